package io.healthportal.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.IngestAppTestBase;
import io.healthportal.ingest.hl7v2.MllpListeners;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.healthportal.ingest.testing.ScriptedFhirEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@RequiresCorpus
class IntakeIT extends IngestAppTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void probesAnswerOnTheMainPortAndMetricsOnTheManagementPort() throws Exception {
        assertThat(get("http://localhost:" + port + "/livez").statusCode()).isEqualTo(200);
        assertThat(get("http://localhost:" + port + "/readyz").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("http://localhost:" + managementPort + "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        assertThat(get("http://localhost:" + port + "/actuator/prometheus").statusCode())
                .isEqualTo(404);
    }

    @Test
    void mllpMessageIsStoredEncryptedWithItsOutboxRowBeforeTheAckAA() throws Exception {
        String message = uniqueControlId(corpusOru());
        String ack;
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            ack = client.send(message);
        }
        String controlId = controlId(message);
        assertThat(ack).contains("MSA|AA|" + controlId);

        Map<String, Object> receipt = jdbc.queryForMap(
                "SELECT id, partner_id, channel, payload_sha256 FROM receipt WHERE message_id = ?", controlId);
        assertThat(receipt.get("partner_id")).isEqualTo("demo-lab");
        assertThat(receipt.get("channel")).isEqualTo("mllp");
        assertThat((byte[]) receipt.get("payload_sha256"))
                .isEqualTo(Receipts.sha256(message.getBytes(StandardCharsets.UTF_8)));
        UUID id = (UUID) receipt.get("id");
        byte[] ciphertext =
                jdbc.queryForObject("SELECT ciphertext FROM archive WHERE receipt_id = ?", byte[].class, id);
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain("PID|");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE receipt_id = ?", Integer.class, id))
                .isEqualTo(1);
    }

    @Test
    void theSameMessageTwiceIsOneReceiptButAReusedControlIdWithOtherContentIsNot() throws Exception {
        String message = uniqueControlId(corpusOru());
        String changed = message.replace("OBX|1|", "OBX|1|").replace("DUCK^DONALD", "DUCK^DAISY");
        assertThat(changed).isNotEqualTo(message);
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            assertThat(client.send(message)).contains("MSA|AA|");
            assertThat(client.send(message)).contains("MSA|AA|");
            assertThat(client.send(changed)).contains("MSA|AA|");
        }
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM receipt WHERE message_id = ?", Integer.class, controlId(message)))
                .isEqualTo(2);
    }

    @Test
    void inputWithoutAnMshSegmentIsRejectedWithAR() throws Exception {
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            String ack = client.send("PID|1||12345^^^LAB^MR||DOE^JANE\r");
            assertThat(ack).contains("MSA|AR|").contains("INGEST-HL7-NO-MSH").doesNotContain("DOE");
        }
    }

    @Test
    void httpIntakeAnswers202WithTheReceiptId() throws Exception {
        String message = uniqueControlId(corpusOru());
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ingest/demo-lab"))
                        .header("Authorization", "Bearer " + FHIR.systemToken("demo-lab"))
                        .header("Content-Type", "application/hl7-v2")
                        .POST(HttpRequest.BodyPublishers.ofString(message))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
        UUID stored = jdbc.queryForObject(
                "SELECT id FROM receipt WHERE message_id = ? AND channel = 'http'", UUID.class, controlId(message));
        assertThat(response.body()).contains(stored.toString());
        assertThat(get("http://localhost:" + managementPort + "/actuator/prometheus")
                        .body())
                .contains("ingest_receipts_accepted_total{channel=\"http\",duplicate=\"false\",partner=\"demo-lab\"}");
    }

    @Test
    void anUnknownPartnerGets404() throws Exception {
        HttpResponse<String> response = postAs(FHIR.systemToken("nobody"), "nobody", corpusOru());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("INGEST-UNKNOWN-PARTNER");
    }

    @Test
    void httpIntakeNeedsATokenFromHapiServer() throws Exception {
        String message = uniqueControlId(corpusOru());
        HttpResponse<String> withoutToken = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ingest/demo-lab"))
                        .POST(HttpRequest.BodyPublishers.ofString(message))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withoutToken.statusCode()).isEqualTo(401);
        assertThat(withoutToken.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(postAs(ScriptedFhirEndpoint.foreignToken("demo-lab"), "demo-lab", message)
                        .statusCode())
                .isEqualTo(401);
        assertThat(postAs("not.a.token", "demo-lab", message).statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM receipt WHERE message_id = ?", Integer.class, controlId(message)))
                .isZero();
    }

    @Test
    void aPartnerMaySendOnlyOnItsOwnPathAndAPersonNotAtAll() throws Exception {
        String message = uniqueControlId(corpusOru());
        HttpResponse<String> otherPartner = postAs(FHIR.systemToken("demo-pharmacy"), "demo-lab", message);
        assertThat(otherPartner.statusCode()).isEqualTo(403);
        assertThat(otherPartner.body()).contains("INGEST-WRONG-CALLER");
        // A person whose login name happens to be the partner id is still not the partner's system.
        assertThat(postAs(FHIR.userToken("demo-lab", "administrator"), "demo-lab", message)
                        .statusCode())
                .isEqualTo(403);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM receipt WHERE message_id = ?", Integer.class, controlId(message)))
                .isZero();
    }

    private HttpResponse<String> postAs(String token, String partner, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ingest/" + partner))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String corpusOru() {
        return Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7");
    }

    /** Each test sends its own control id, so tests sharing the database do not dedup each other. */
    static String uniqueControlId(String message) {
        String id = "T" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return message.replaceFirst("\\|ORU\\^R01\\|[^|]*\\|", "|ORU^R01|" + id + "|");
    }

    static String controlId(String message) {
        return message.split("\\|ORU\\^R01\\|", 2)[1].split("\\|", 2)[0];
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
