package io.healthportal.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.healthportal.demo.LabResultMessages;
import io.healthportal.ingest.IngestAppTestBase;
import io.healthportal.ingest.hl7v2.MllpListeners;
import io.healthportal.ingest.testing.MllpClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Bad input through the real paths: partner {@code demo-lab}'s MLLP listener, the HTTP intake and the
 * worker behind them. Truncated messages, wrong encoding characters, binary garbage and a 50 MB payload
 * each get a clear answer ({@code AR} with the reason, 400 or 413 with a problem body) or a dead letter
 * with its code and reason; a good message after them is still accepted, on the same connection, and
 * written.
 */
class BadInputIT extends IngestAppTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final LabResultMessages MESSAGES =
            new LabResultMessages(11, 20, "BAD" + UUID.randomUUID().toString().substring(0, 6), Instant.now());
    private static final int FIFTY_MEGABYTES = 50 * 1024 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void truncatedMessagesAreRefusedOrDeadLetteredSayingWhatIsMissing() throws Exception {
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            LabResultMessages.Message inMsh = MESSAGES.next();
            String ack = client.send(inMsh.text().substring(0, inMsh.text().indexOf("||ORU")));
            assertThat(ack).contains("MSA|AR|").contains("INGEST-HL7-NO-CONTROL-ID");

            LabResultMessages.Message mshOnly = MESSAGES.next();
            assertThat(client.send(cutAfter(mshOnly.text(), "2.5.1\r"))).contains("MSA|AA|" + mshOnly.controlId());
            LabResultMessages.Message inPid = MESSAGES.next();
            assertThat(client.send(cutAfter(inPid.text(), "PID|1||"))).contains("MSA|AA|");
            LabResultMessages.Message inObr = MESSAGES.next();
            assertThat(client.send(cutAfter(inObr.text(), "OBR|1||"))).contains("MSA|AA|");

            assertThat(deadLetter(mshOnly.controlId()))
                    .containsEntry("error_code", "INGEST-HL7-MISSING-SEGMENT")
                    .containsEntry("reason", "the message has no PID segment");
            assertThat(deadLetter(inPid.controlId())).containsEntry("error_code", "INGEST-HL7-NO-PATIENT-ID");
            assertThat(deadLetter(inObr.controlId())).containsEntry("error_code", "INGEST-HL7-NO-ORDER-NUMBER");
            assertAGoodMessageIsStillWritten(client);
        }
    }

    @Test
    void wrongEncodingCharactersInMsh2AreRefusedBeforeAnythingIsStored() throws Exception {
        LabResultMessages.Message repeated = MESSAGES.next();
        LabResultMessages.Message letters = MESSAGES.next();
        LabResultMessages.Message overHttp = MESSAGES.next();
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            String ack = client.send(repeated.text().replaceFirst("\\^~\\\\&", "^^\\\\&"));
            assertThat(ack)
                    .startsWith("MSH|^~\\&|")
                    .contains("MSA|AR|" + repeated.controlId())
                    .contains("INGEST-HL7-BAD-ENCODING-CHARACTERS");
            assertThat(client.send(letters.text().replaceFirst("\\^~\\\\&", "ab\\\\&")))
                    .contains("MSA|AR|")
                    .contains("INGEST-HL7-BAD-ENCODING-CHARACTERS");
            assertAGoodMessageIsStillWritten(client);
        }
        HttpResponse<String> refused =
                post("demo-lab", overHttp.text().replaceFirst("\\^~\\\\&", "^~").getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("INGEST-HL7-NO-MSH");
        HttpResponse<String> duplicated = post(
                "demo-lab", overHttp.text().replaceFirst("\\^~\\\\&", "^~~&").getBytes(StandardCharsets.UTF_8));
        assertThat(duplicated.statusCode()).isEqualTo(400);
        assertThat(duplicated.body()).contains("INGEST-HL7-BAD-ENCODING-CHARACTERS");
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM receipt WHERE message_id IN (?, ?, ?)",
                        Integer.class,
                        repeated.controlId(),
                        letters.controlId(),
                        overHttp.controlId()))
                .isZero();
    }

    @Test
    void binaryGarbageIsRefusedOrDeadLetteredAndNeitherTheListenerNorTheWorkerStops() throws Exception {
        Random random = new Random(42);
        LabResultMessages.Message garbageBody = MESSAGES.next();
        LabResultMessages.Message nulInControlId = MESSAGES.next();
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            String ack = client.send(garbage(random, 4096));
            assertThat(ack).contains("MSA|AR|").contains("INGEST-HL7-NO-MSH");

            ByteArrayOutputStream mshThenGarbage = new ByteArrayOutputStream();
            mshThenGarbage.write(cutAfter(garbageBody.text(), "2.5.1\r").getBytes(StandardCharsets.UTF_8));
            mshThenGarbage.write(garbage(random, 4096));
            assertThat(client.send(mshThenGarbage.toByteArray())).contains("MSA|AA|" + garbageBody.controlId());

            byte[] nul = nulInControlId.text().getBytes(StandardCharsets.UTF_8);
            nul[nulInControlId.text().indexOf(nulInControlId.controlId()) + 2] = 0;
            assertThat(client.send(nul)).contains("MSA|AR|").contains("INGEST-HL7-BAD-CONTROL-ID");

            Map<String, Object> letter = deadLetter(garbageBody.controlId());
            assertThat((String) letter.get("error_code")).startsWith("INGEST-HL7-");
            assertThat((String) letter.get("reason")).isNotBlank().doesNotContainPattern("\\p{Cntrl}");
            assertAGoodMessageIsStillWritten(client);
        }

        HttpResponse<String> hl7 = post("demo-lab", garbage(random, 4096));
        assertThat(hl7.statusCode()).isEqualTo(400);
        assertThat(hl7.body()).contains("INGEST-HL7-NO-MSH");
        // A CSV partner's payload has no header to check at the door: it is stored, then dead-lettered.
        HttpResponse<String> csv = post("demo-pharmacy", garbage(random, 4096));
        assertThat(csv.statusCode()).isEqualTo(202);
        UUID receipt = UUID.fromString(csv.body().replaceAll(".*\"receiptId\":\"([^\"]+)\".*", "$1"));
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> jdbc
                                .queryForList(
                                        "SELECT error_code FROM dead_letter WHERE receipt_id = ?",
                                        String.class,
                                        receipt)
                                .stream()
                                .anyMatch(code -> code.startsWith("INGEST-CSV-")));
    }

    @Test
    void aFiftyMegabytePayloadIsRefusedBeforeItIsStoredAndTheConnectionGoesOn() throws Exception {
        LabResultMessages.Message huge = MESSAGES.next();
        String message =
                huge.text() + "OBX|7|ED|PDF^Report^L||^application^pdf^Base64^" + "A".repeat(FIFTY_MEGABYTES) + "\r";
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            String ack = client.send(message);
            assertThat(ack)
                    .contains("MSA|AR|" + huge.controlId())
                    .contains("INGEST-PAYLOAD-TOO-LARGE")
                    .hasSizeLessThan(1024);
            assertAGoodMessageIsStillWritten(client);
        }

        HttpResponse<String> refused = post("demo-lab", message.getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("INGEST-PAYLOAD-TOO-LARGE").contains(Long.toString(10L * 1024 * 1024));
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM receipt WHERE message_id = ?", Integer.class, huge.controlId()))
                .isZero();
        LabResultMessages.Message after = MESSAGES.next();
        assertThat(post("demo-lab", after.text().getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(202);
        awaitStatus(after.controlId(), "WRITTEN");
    }

    /** Random bytes, NUL and invalid UTF-8 among them; never an MLLP end block, so they stay one frame. */
    private static byte[] garbage(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] == 0x1C) {
                bytes[i] = 0;
            }
        }
        bytes[0] = 0;
        bytes[1] = (byte) 0xC3;
        bytes[2] = (byte) 0x28;
        bytes[3] = (byte) 0xFF;
        return bytes;
    }

    private void assertAGoodMessageIsStillWritten(MllpClient client) throws Exception {
        LabResultMessages.Message good = MESSAGES.next();
        assertThat(client.send(good.text())).contains("MSA|AA|" + good.controlId());
        awaitStatus(good.controlId(), "WRITTEN");
    }

    private static String cutAfter(String text, String marker) {
        return text.substring(0, text.indexOf(marker) + marker.length());
    }

    private Map<String, Object> deadLetter(String controlId) {
        awaitStatus(controlId, "DEAD_LETTERED");
        return jdbc.queryForMap(
                "SELECT d.error_code, d.reason FROM dead_letter d JOIN receipt r ON r.id = d.receipt_id"
                        + " WHERE r.message_id = ?",
                controlId);
    }

    private void awaitStatus(String controlId, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForList(
                                "SELECT status FROM receipt WHERE message_id = ?", String.class, controlId)
                        .contains(status));
    }

    private HttpResponse<String> post(String partner, byte[] body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ingest/" + partner))
                        .header("Authorization", "Bearer " + FHIR.systemToken(partner))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
