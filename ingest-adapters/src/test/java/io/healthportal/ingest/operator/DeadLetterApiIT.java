package io.healthportal.ingest.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.demo.LabResultMessages;
import io.healthportal.ingest.IngestAppTestBase;
import io.healthportal.ingest.hl7v2.MllpListeners;
import io.healthportal.ingest.testing.MllpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The operator API over dead letters, called with tokens as hapi-server issues them: administrators
 * list, show, replay and discard; only a payload viewer reads a payload; everyone else is refused;
 * every request leaves an audit row.
 */
class DeadLetterApiIT extends IngestAppTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LabResultMessages MESSAGES =
            new LabResultMessages(4, 20, "OPS" + UUID.randomUUID().toString().substring(0, 6), Instant.now());

    @LocalServerPort
    int port;

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    private final String admin = FHIR.userToken("ops-admin", "administrator");

    @Test
    void anAdministratorSeesDeadLettersWithoutPatientDataAndOnlyAPayloadViewerSeesThePayload() throws Exception {
        LabResultMessages.Message message = MESSAGES.next();
        UUID receipt = deadLettered(message);

        HttpResponse<String> list = call("GET", "/operator/dead-letters", admin);
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode listed = entry(JSON.readTree(list.body()).path("deadLetters"), receipt);
        assertThat(listed.path("errorCode").asText()).isEqualTo("INGEST-FHIR-REJECTED");
        assertThat(listed.path("partner").asText()).isEqualTo("demo-lab");
        assertThat(listed.path("messageId").asText()).isEqualTo(message.controlId());
        assertThat(list.body()).doesNotContain(message.nhsNumber(), message.mrn());

        HttpResponse<String> shown = call("GET", "/operator/dead-letters/" + receipt, admin);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).contains("INGEST-FHIR-REJECTED").doesNotContain(message.nhsNumber());

        // An administrator without the ingest-operator permission may not read patient data.
        HttpResponse<String> refused = call("GET", "/operator/dead-letters/" + receipt + "/payload", admin);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("INGEST-OPERATOR-DENIED").doesNotContain(message.nhsNumber());
        HttpResponse<String> payload = call(
                "GET",
                "/operator/dead-letters/" + receipt + "/payload",
                FHIR.userToken(PAYLOAD_VIEWER, "administrator"));
        assertThat(payload.statusCode()).isEqualTo(200);
        assertThat(payload.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(payload.body()).isEqualTo(message.text());

        assertThat(audit(receipt))
                .containsExactly(
                        "ops-admin show ALLOWED",
                        "ops-admin view-payload DENIED",
                        PAYLOAD_VIEWER + " view-payload ALLOWED");
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM operator_audit WHERE operator = 'ops-admin' AND action = 'list'",
                        Integer.class))
                .isPositive();
    }

    @Test
    void aReplayWritesWhatHapiServerRefusedBeforeAndADiscardClosesWithoutWriting() throws Exception {
        LabResultMessages.Message first = MESSAGES.next();
        UUID replayed = deadLettered(first);
        // hapi-server accepts it this time (the script answered 400 once).
        HttpResponse<String> replay = call("POST", "/operator/dead-letters/" + replayed + "/replay", admin);
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(replay.body()).path("resolution").asText()).isEqualTo("REPLAYED");
        awaitStatus(replayed, "WRITTEN");
        assertThat(call("POST", "/operator/dead-letters/" + replayed + "/replay", admin)
                        .statusCode())
                .isEqualTo(409);

        LabResultMessages.Message second = MESSAGES.next();
        UUID discarded = deadLettered(second);
        HttpResponse<String> discard = call("POST", "/operator/dead-letters/" + discarded + "/discard", admin);
        assertThat(discard.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(discard.body()).path("resolvedBy").asText()).isEqualTo("ops-admin");
        assertThat(call("POST", "/operator/dead-letters/" + discarded + "/replay", admin)
                        .statusCode())
                .isEqualTo(409);
        assertThat(status(discarded)).isEqualTo("DEAD_LETTERED");
        // Resolved dead letters leave the default list and stay in the full one.
        assertThat(call("GET", "/operator/dead-letters", admin).body()).doesNotContain(discarded.toString());
        assertThat(call("GET", "/operator/dead-letters?includeResolved=true", admin)
                        .body())
                .contains(discarded.toString());
        assertThat(audit(discarded)).containsExactly("ops-admin discard ALLOWED", "ops-admin replay CONFLICT");
    }

    @Test
    void aReplayThatFailsAgainReopensTheDeadLetter() throws Exception {
        LabResultMessages.Message message = MESSAGES.next();
        UUID receipt = deadLettered(message);
        FHIR.answerFor(":message:" + message.controlId(), 400);

        assertThat(call("POST", "/operator/dead-letters/" + receipt + "/replay", admin)
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "DEAD_LETTERED".equals(status(receipt))
                        && jdbc.queryForObject(
                                "SELECT resolution IS NULL FROM dead_letter WHERE receipt_id = ?",
                                Boolean.class,
                                receipt));
    }

    @Test
    void nobodyButAnAdministratorGetsInAndTheRefusalsAreAudited() throws Exception {
        UUID receipt = deadLettered(MESSAGES.next());
        assertThat(call("GET", "/operator/dead-letters", null).statusCode()).isEqualTo(401);
        for (String token : List.of(
                FHIR.systemToken("demo-lab"),
                FHIR.userToken("someone", "patient"),
                FHIR.userToken("front-desk", "receptionist"))) {
            assertThat(call("GET", "/operator/dead-letters", token).statusCode())
                    .isEqualTo(403);
            assertThat(call("POST", "/operator/dead-letters/" + receipt + "/replay", token)
                            .statusCode())
                    .isEqualTo(403);
        }
        assertThat(audit(receipt))
                .containsExactly("demo-lab replay DENIED", "someone replay DENIED", "front-desk replay DENIED");
        assertThat(status(receipt)).isEqualTo("DEAD_LETTERED");
        assertThat(call("GET", "/operator/dead-letters/" + UUID.randomUUID(), admin)
                        .statusCode())
                .isEqualTo(404);
    }

    /** Sends a message that hapi-server refuses once with 400, and waits for its dead letter. */
    private UUID deadLettered(LabResultMessages.Message message) throws Exception {
        FHIR.answerFor(":message:" + message.controlId(), 400);
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            assertThat(client.send(message.text())).contains("MSA|AA|");
        }
        UUID receipt = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> jdbc
                                .queryForList(
                                        "SELECT id FROM receipt WHERE message_id = ? AND status = 'DEAD_LETTERED'",
                                        UUID.class,
                                        message.controlId())
                                .stream()
                                .findFirst()
                                .orElse(null),
                        java.util.Objects::nonNull);
        return receipt;
    }

    private void awaitStatus(UUID receipt, String expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> expected.equals(status(receipt)));
    }

    private String status(UUID receipt) {
        return jdbc.queryForObject("SELECT status FROM receipt WHERE id = ?", String.class, receipt);
    }

    private List<String> audit(UUID receipt) {
        return jdbc.queryForList(
                "SELECT operator || ' ' || action || ' ' || outcome FROM operator_audit WHERE receipt_id = ? ORDER BY id",
                String.class,
                receipt);
    }

    private static JsonNode entry(JsonNode list, UUID receipt) {
        for (JsonNode each : list) {
            if (each.path("receiptId").asText().equals(receipt.toString())) {
                return each;
            }
        }
        throw new AssertionError("receipt " + receipt + " not listed in " + list);
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
