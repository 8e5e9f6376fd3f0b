package io.healthportal.ingest.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.healthportal.ingest.IngestAppTestBase;
import io.healthportal.ingest.poller.Pollers.Outcome;
import io.healthportal.ingest.poller.Pollers.PollReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Partner {@code demo-clinic}'s poller against a fake JSON API started by the test: a bearer token on
 * every request, three pages linked by {@code links.next}, a run stopping at a failing page and the next
 * run resuming there, each appointment handed to intake alone (so one bad item dead-letters alone) and
 * written through the real pipeline as an Appointment.
 */
class RestApiPollerIT extends IngestAppTestBase {

    private static final String PARTNER = "demo-clinic";

    @Autowired
    Pollers pollers;

    @Autowired
    JdbcTemplate jdbc;

    private HttpServer api;
    private final List<List<String>> pages = new ArrayList<>();
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unauthorized = new AtomicInteger();

    @BeforeEach
    void startApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", PARTNER_API_PORT), 0);
        api.createContext("/api/appointments", this::page);
        api.start();
    }

    @AfterEach
    void stopApi() {
        api.stop(0);
    }

    @Test
    void pullsEveryPageResumesWhereItStoppedAndWritesEachAppointment() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int page = 0; page < 3; page++) {
            List<String> items = new ArrayList<>();
            for (int i = 1; i <= (page == 2 ? 2 : 3); i++) {
                String id = "APT-" + run + "-" + (page * 3 + i);
                // One appointment carries an NHS number failing its check digit.
                String nhs = id.endsWith("-5") ? "9434765918" : "9434765919";
                items.add("""
                        {"id": "%s", "status": "CONFIRMED", "patient": {"nhsNumber": "%s", "id": "P%d"},
                         "start": "2026-12-0%dT09:00:00", "end": "2026-12-0%dT09:15:00",
                         "updated": "2026-11-26T10:00:00Z", "clinic": "Asthma clinic", "clinician": "Dr B Patel"}
                        """.formatted(id, nhs, i, page + 1, page + 1));
            }
            pages.add(items);
        }
        failOnce.add("cursor=2");

        PollReport first = pollers.runOnce(PARTNER);

        assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(first.errorCode()).isEqualTo("INGEST-POLL-HTTP");
        assertThat(first.accepted()).isEqualTo(3);

        PollReport second = pollers.runOnce(PARTNER);

        assertThat(second.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(second.accepted()).isEqualTo(5);
        assertThat(second.duplicates()).isZero();
        assertThat(unauthorized.get()).isZero();
        // The second run started on page 2, where the first stopped.
        assertThat(gets.get("first").get()).isEqualTo(1);
        assertThat(gets.get("cursor=2").get()).isEqualTo(2);
        assertThat(gets.get("cursor=3").get()).isEqualTo(1);

        List<Map<String, Object>> receipts = jdbc.queryForList(
                "SELECT id, message_id FROM receipt WHERE partner_id = ? AND message_id LIKE ? ORDER BY received_at",
                PARTNER,
                "APT-" + run + "-%");
        assertThat(receipts).hasSize(8);
        for (Map<String, Object> receipt : receipts) {
            String expected = receipt.get("message_id").toString().endsWith("-5") ? "DEAD_LETTERED" : "WRITTEN";
            awaitStatus((UUID) receipt.get("id"), expected);
        }
        String written = String.join("\n", FHIR.bodies());
        assertThat(written)
                .contains("Appointment?identifier=https%3A%2F%2Fdemo-clinic.example.nhs.uk%2FId%2Fappointment|APT-"
                        + run + "-8")
                .doesNotContain("appointment|APT-" + run + "-5\"");
        assertThat(jdbc.queryForObject(
                        "SELECT d.error_code FROM dead_letter d JOIN receipt r ON r.id = d.receipt_id"
                                + " WHERE r.partner_id = ? AND r.message_id = ?",
                        String.class,
                        PARTNER,
                        "APT-" + run + "-5"))
                .isEqualTo("INGEST-JSON-NHS-NUMBER-INVALID");
    }

    private void page(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String key = query == null ? "first" : query;
        gets.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (!("Bearer " + PARTNER_API_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            unauthorized.incrementAndGet();
            answer(exchange, 401, "{\"error\":\"unauthorized\"}");
            return;
        }
        if (failOnce.remove(key)) {
            answer(exchange, 503, "{\"error\":\"try later\"}");
            return;
        }
        int page = query == null ? 1 : Integer.parseInt(query.substring("cursor=".length()));
        String next = page < pages.size() ? "\"/api/appointments?cursor=" + (page + 1) + "\"" : "null";
        answer(
                exchange,
                200,
                "{\"data\": [" + String.join(",", pages.get(page - 1)) + "], \"links\": {\"next\": " + next + "}}");
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void awaitStatus(UUID receipt, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> jdbc.queryForObject("SELECT status FROM receipt WHERE id = ?", String.class, receipt),
                        status::equals);
    }
}
