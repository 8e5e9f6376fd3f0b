package io.healthportal.ingest.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.healthportal.ingest.IngestAppTestBase;
import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.PollerProperties;
import io.healthportal.ingest.html.HtmlReportFormat;
import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.poller.Pollers.Outcome;
import io.healthportal.ingest.poller.Pollers.PollReport;
import io.healthportal.ingest.testing.FakePartnerPortal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Partner {@code demo-portal}'s poller against a fake portal started by the test: CSRF form login with a
 * session cookie, three pages of results, a run that stops at a failing result page and a new runner (as
 * after a restart: fresh login, only the database to go on) that resumes after the last result handed
 * over, and a result page in a changed layout that is dead-lettered {@code layout-changed}. Pulled pages
 * go through the real intake, broker and HTML format to the scripted FHIR endpoint.
 */
class PortalPollerIT extends IngestAppTestBase {

    private static final String PARTNER = "demo-portal";
    private static final String NHS_NUMBER = "9434765919";

    @Autowired
    Pollers pollers;

    @Autowired
    PollerPositions positions;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    IngestProperties properties;

    @Autowired
    Receipts receipts;

    private FakePartnerPortal portal;

    @BeforeEach
    void startPortal() {
        portal = new FakePartnerPortal(PARTNER_PORTAL_PORT, PARTNER_PORTAL_USERNAME, PARTNER_PORTAL_PASSWORD);
    }

    @AfterEach
    void stopPortal() {
        portal.close();
    }

    @Test
    void pullsThreePagesResumesAfterAStopWithoutDuplicatesAndDeadLettersAChangedLayout() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> accessions = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            accessions.add("ACC-" + run + "-" + i);
            portal.addResult(accessions.get(i - 1), NHS_NUMBER);
        }
        // The second result of page 2 fails once: the first run stops there.
        portal.failOnce(FakePartnerPortal.resultPath(accessions.get(4)));

        PollReport first = pollers.runOnce(PARTNER);

        assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(first.errorCode()).isEqualTo("INGEST-POLL-HTTP");
        assertThat(first.accepted()).isEqualTo(4);
        assertThat(pollers.lastError(PARTNER)).get().asString().startsWith("INGEST-POLL-HTTP");

        // A restart: a new runner (another holder name, nothing in memory) with only the database to go on.
        Pollers restarted = new Pollers(properties, positions, receipts, new SimpleMeterRegistry());
        PollReport second = restarted.runOnce(PARTNER);

        assertThat(second.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(second.accepted()).isEqualTo(5);
        assertThat(second.duplicates()).isZero();
        assertThat(pollers.lastError(PARTNER)).isEmpty();
        assertThat(portal.logins()).isEqualTo(2);
        assertThat(portal.refusedLogins()).isZero();
        for (int i = 0; i < 9; i++) {
            String path = FakePartnerPortal.resultPath(accessions.get(i));
            // Each result opened once; the one that failed once, twice.
            assertThat(portal.gets(path)).as(path).isEqualTo(i == 4 ? 2 : 1);
        }
        // The second run started on page 2, where the first stopped: page 1 was shown after each login's
        // redirect and walked once.
        assertThat(portal.gets("/results")).isEqualTo(3);
        assertThat(portal.gets("/results?page=2")).isEqualTo(2);
        assertThat(portal.gets("/results?page=3")).isEqualTo(1);

        List<Map<String, Object>> receipts = jdbc.queryForList(
                "SELECT id, message_id, channel, format FROM receipt WHERE partner_id = ? ORDER BY received_at",
                PARTNER);
        assertThat(receipts).hasSize(9);
        assertThat(receipts)
                .extracting(r -> r.get("message_id"))
                .containsExactlyElementsOf(
                        accessions.stream().map(FakePartnerPortal::resultPath).toList());
        assertThat(receipts).allSatisfy(r -> {
            assertThat(r.get("channel")).isEqualTo("poll");
            assertThat(r.get("format")).isEqualTo("HTML");
        });
        for (Map<String, Object> receipt : receipts) {
            awaitStatus((UUID) receipt.get("id"), "WRITTEN");
        }
        String written = String.join("\n", FHIR.bodies());
        for (String accession : accessions) {
            assertThat(written)
                    .contains("DiagnosticReport?identifier=https%3A%2F%2Fdemo-portal.example.nhs.uk%2FId%2Faccession|"
                            + accession);
        }

        // Nothing new: the next run opens no result page.
        PollReport idle = pollers.runOnce(PARTNER);
        assertThat(idle.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(idle.accepted()).isZero();
        assertThat(portal.gets(FakePartnerPortal.resultPath(accessions.get(8)))).isEqualTo(1);

        // The partner publishes a result in its new layout, on a fourth page.
        String changed = "ACC-" + run + "-10";
        portal.addResultInChangedLayout(changed, NHS_NUMBER);
        PollReport later = pollers.runOnce(PARTNER);
        assertThat(later.accepted()).isEqualTo(1);
        UUID changedReceipt = jdbc.queryForObject(
                "SELECT id FROM receipt WHERE partner_id = ? AND message_id = ?",
                UUID.class,
                PARTNER,
                FakePartnerPortal.resultPath(changed));
        awaitStatus(changedReceipt, "DEAD_LETTERED");
        Map<String, Object> letter =
                jdbc.queryForMap("SELECT error_code, reason FROM dead_letter WHERE receipt_id = ?", changedReceipt);
        assertThat(letter.get("error_code")).isEqualTo(HtmlReportFormat.LAYOUT_CHANGED);
        assertThat((String) letter.get("reason")).startsWith("layout-changed:").doesNotContain(NHS_NUMBER);
    }

    @Test
    void aRefusedLoginStopsTheRunBeforeAnyResultIsPulled() {
        portal.addResult("ACC-LOGIN-1", NHS_NUMBER);
        PollerProperties configured = properties.partner(PARTNER).orElseThrow().poller();
        PollerProperties wrongPassword = new PollerProperties(
                configured.baseUrl(),
                configured.interval(),
                false,
                configured.username(),
                "not-the-password",
                null,
                configured.portal(),
                null);
        PollRun run = new PollRun(
                properties.partner(PARTNER).orElseThrow(), "test-runner", positions, receipts, Duration.ofMinutes(1));

        assertThatThrownBy(() -> new HtmlPortalPoller(wrongPassword, StandardCharsets.UTF_8).pull(run))
                .isInstanceOfSatisfying(
                        PollFailure.class, e -> assertThat(e.code()).isEqualTo("INGEST-POLL-LOGIN-FAILED"));
        assertThat(portal.refusedLogins()).isEqualTo(1);
        assertThat(portal.gets(FakePartnerPortal.resultPath("ACC-LOGIN-1"))).isZero();
        assertThat(run.accepted()).isZero();
    }

    @Test
    void aRunWaitsForNoOneButDoesNothingWhileAnotherReplicaHoldsTheLease() {
        assertThat(positions.tryLease(PARTNER, "other-replica", Duration.ofMinutes(1)))
                .isTrue();
        try {
            PollReport report = pollers.runOnce(PARTNER);

            assertThat(report.outcome()).isEqualTo(Outcome.LEASE_HELD);
            assertThat(portal.logins()).isZero();
        } finally {
            positions.release(PARTNER, "other-replica", null);
        }
        // An expired lease is taken over.
        assertThat(positions.tryLease("lease-probe", "replica-a", Duration.ZERO))
                .isTrue();
        assertThat(positions.tryLease("lease-probe", "replica-b", Duration.ofMinutes(1)))
                .isTrue();
        assertThat(positions.tryLease("lease-probe", "replica-a", Duration.ofMinutes(1)))
                .isFalse();
        assertThat(positions.renew("lease-probe", "replica-a", Duration.ofMinutes(1)))
                .isFalse();
    }

    private void awaitStatus(UUID receipt, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> jdbc.queryForObject("SELECT status FROM receipt WHERE id = ?", String.class, receipt),
                        status::equals);
    }
}
