package io.healthportal.ingest.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.healthportal.ingest.IngestAppTestBase;
import io.healthportal.ingest.hl7v2.MllpListeners;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Accepted receipts through the broker to the FHIR endpoint: retries, dead letters, republishing. */
@RequiresCorpus
class ReceiptPipelineIT extends IngestAppTestBase {

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    OutboxRelay relay;

    @Autowired
    MeterRegistry meters;

    @Test
    void transientFailuresAreRetriedWithBackoffUntilTheWriteSucceeds() throws Exception {
        String controlId = newControlId();
        FHIR.answerFor(":message:" + controlId, 503, 429, 409);
        send(oru(controlId));

        UUID receipt = awaitStatus(controlId, "WRITTEN");
        assertThat(writesOf(controlId)).isEqualTo(4);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE receipt_id = ?", Integer.class, receipt))
                .isZero();
    }

    @Test
    void writesCarryABackendServicesTokenAndOneHapiServerRejectsIsReplaced() throws Exception {
        String warmUp = newControlId();
        send(oru(warmUp));
        awaitStatus(warmUp, "WRITTEN");
        int assertionsBefore = FHIR.clientAssertions().size();
        assertThat(assertionsBefore)
                .as("a token was fetched with a client assertion")
                .isPositive();

        String controlId = newControlId();
        FHIR.answerFor(":message:" + controlId, 401);
        send(oru(controlId));

        awaitStatus(controlId, "WRITTEN");
        assertThat(writesOf(controlId)).isEqualTo(2);
        assertThat(FHIR.clientAssertions()).hasSize(assertionsBefore + 1).doesNotHaveDuplicates();
    }

    @Test
    void aWriteHapiServerRefusesIsDeadLetteredWithItsCode() throws Exception {
        String controlId = newControlId();
        FHIR.answerFor(":message:" + controlId, 400);
        send(oru(controlId));

        UUID receipt = awaitStatus(controlId, "DEAD_LETTERED");
        Map<String, Object> letter =
                jdbc.queryForMap("SELECT error_code, reason FROM dead_letter WHERE receipt_id = ?", receipt);
        assertThat(letter.get("error_code")).isEqualTo("INGEST-FHIR-REJECTED");
        assertThat(writesOf(controlId)).isEqualTo(1);
    }

    @Test
    void anUnmappableMessageIsDeadLetteredAtOnceWithoutPatientData() throws Exception {
        String controlId = newControlId();
        String a02 = Corpus.read("hl7v2/microsoft-FHIR-Converter/ADT-A02-01.hl7")
                .replaceFirst("\\|ADT\\^A02([^|]*)\\|[^|]*\\|", "|ADT^A02$1|" + controlId + "|");
        send(a02);

        UUID receipt = awaitStatus(controlId, "DEAD_LETTERED");
        Map<String, Object> letter =
                jdbc.queryForMap("SELECT error_code, reason FROM dead_letter WHERE receipt_id = ?", receipt);
        assertThat(letter.get("error_code")).isEqualTo("INGEST-HL7-UNSUPPORTED-EVENT");
        assertThat(meters.counter("ingest.receipts.dead.lettered", "code", "INGEST-HL7-UNSUPPORTED-EVENT")
                        .count())
                .isPositive();
        assertThat((String) letter.get("reason")).contains("ADT^A02").doesNotContain("EVERYMAN");
        assertThat(writesOf(controlId)).isZero();
    }

    @Test
    void unfinishedReceiptsArePublishedAgainWhenTheEmbeddedBrokerStartsEmpty() throws Exception {
        String controlId = newControlId();
        send(oru(controlId));
        UUID receipt = awaitStatus(controlId, "WRITTEN");
        int writes = writesOf(controlId);

        // As after a crash between the broker's delivery and the FHIR write: the receipt is unfinished,
        // its outbox row says published, and the restarted embedded broker holds nothing.
        jdbc.update("UPDATE receipt SET status = 'ACCEPTED', finished_at = NULL WHERE id = ?", receipt);
        relay.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> writesOf(controlId) == writes + 1);
        awaitStatus(controlId, "WRITTEN");
        assertThat(jdbc.queryForObject("SELECT status FROM outbox WHERE receipt_id = ?", String.class, receipt))
                .isEqualTo("PUBLISHED");
    }

    @Test
    void anAdtOlderThanWhatIsStoredIsSkippedAndTheNewerOneStands() throws Exception {
        String mrn = "ORD" + UUID.randomUUID().toString().substring(0, 8);
        String admit = newControlId();
        String updateT2 = newControlId();
        String updateT1 = newControlId();
        send(adt("A01", admit, "20260301090000", mrn, "FIRST"));
        awaitStatus(admit, "WRITTEN");
        send(adt("A08", updateT2, "20260301120000", mrn, "SECOND"));
        awaitStatus(updateT2, "WRITTEN");
        // Sent late, describing an earlier moment (10:00): must not overwrite the 12:00 update.
        send(adt("A08", updateT1, "20260301100000", mrn, "STALE"));

        UUID skipped = awaitStatus(updateT1, "SKIPPED_OLDER");
        assertThat(writesOf(updateT1)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE receipt_id = ?", Integer.class, skipped))
                .isZero();
        assertThat(meters.counter("ingest.receipts.skipped.older").count()).isPositive();
    }

    /**
     * The ordering scenario: an admission, an update at 12:00 that hapi-server refuses once with
     * a 503, and an update at 10:00 sent while the 12:00 one is being retried. The 10:00 update waits in
     * the patient's partition queue behind the retry, then is skipped as older: the last Patient written
     * is the 12:00 one.
     */
    @Test
    void anUpdateWaitingForARetryHoldsBackItsPatientsLaterMessagesAndTheNewestEventStands() throws Exception {
        String mrn = "ORD" + UUID.randomUUID().toString().substring(0, 8);
        String admit = newControlId();
        String updateT2 = newControlId();
        String updateT1 = newControlId();
        FHIR.answerFor(":message:" + updateT2, 503);

        send(adt("A01", admit, "20260302090000", mrn, "FIRST"));
        send(adt("A08", updateT2, "20260302120000", mrn, "SECOND"));
        send(adt("A08", updateT1, "20260302100000", mrn, "STALE"));

        UUID skipped = awaitStatus(updateT1, "SKIPPED_OLDER");
        UUID admitted = awaitStatus(admit, "WRITTEN");
        UUID updated = awaitStatus(updateT2, "WRITTEN");
        List<String> patientWrites = FHIR.bodies().stream()
                .filter(b -> b.contains("|" + mrn + "\"") || b.contains("\"" + mrn + "\""))
                .toList();
        assertThat(patientWrites)
                .as("the admission, then the 12:00 update twice (503, then written); never the 10:00 one")
                .hasSize(3)
                .noneMatch(b -> b.contains(":message:" + updateT1));
        assertThat(patientWrites.get(0)).contains(":message:" + admit);
        assertThat(patientWrites.get(1)).contains(":message:" + updateT2);
        assertThat(patientWrites.get(2)).contains(":message:" + updateT2).contains("\"SECOND\"");

        // One patient key for the three, stored as a pseudonym (not the MRN), so one partition queue.
        List<String> keys = jdbc.queryForList(
                "SELECT patient_key FROM receipt WHERE id IN (?, ?, ?)", String.class, admitted, updated, skipped);
        assertThat(keys).hasSize(3).doesNotContainNull().allMatch(k -> k.equals(keys.get(0)));
        assertThat(keys.get(0)).doesNotContain(mrn).hasSize(64);
        // The 10:00 update was finished only after the retried 12:00 one was written.
        assertThat(jdbc.queryForObject(
                        "SELECT (SELECT finished_at FROM receipt WHERE id = ?) >= (SELECT finished_at FROM receipt"
                                + " WHERE id = ?)",
                        Boolean.class,
                        skipped,
                        updated))
                .isTrue();
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM dead_letter WHERE receipt_id IN (?, ?, ?)",
                        Integer.class,
                        admitted,
                        updated,
                        skipped))
                .isZero();
    }

    /**
     * What the partition queues add to the database's row locks: while a patient's message is retried,
     * the patient's next message is not taken by another consumer (to wait on a row lock, holding a
     * consumer and a connection); it stays queued in the patient's partition until the first is finished.
     */
    @Test
    void aPatientsNextMessageStaysQueuedWhileTheFirstIsRetried() throws Exception {
        String mrn = "ORD" + UUID.randomUUID().toString().substring(0, 8);
        String first = newControlId();
        String next = newControlId();
        Integer[] unavailable = new Integer[20];
        java.util.Arrays.fill(unavailable, 503);
        FHIR.answerFor(":message:" + first, unavailable);

        send(adt("A01", first, "20260303090000", mrn, "FIRST"));
        await().atMost(Duration.ofSeconds(30)).until(() -> writesOf(first) >= 1);
        send(adt("A08", next, "20260303100000", mrn, "NEXT"));
        UUID nextReceipt = awaitStatus(next, "ACCEPTED");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> jdbc.queryForObject(
                                "SELECT status FROM outbox WHERE receipt_id = ?", String.class, nextReceipt)
                        .equals("PUBLISHED"));
        // With consumers sharing one queue, another consumer would now wait on the first's row locks.
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> writesOf(next) == 0
                        && jdbc.queryForObject(
                                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                                + " AND wait_event_type = 'Lock'",
                                        Integer.class)
                                == 0);
        assertThat(jdbc.queryForObject("SELECT status FROM receipt WHERE id = ?", String.class, nextReceipt))
                .isEqualTo("ACCEPTED");

        FHIR.clear(":message:" + first);
        awaitStatus(first, "WRITTEN");
        awaitStatus(next, "WRITTEN");
        List<String> patientWrites = FHIR.bodies().stream()
                .filter(b -> b.contains(":message:" + first) || b.contains(":message:" + next))
                .toList();
        assertThat(patientWrites.get(patientWrites.size() - 1)).contains(":message:" + next);
        assertThat(patientWrites.stream().filter(b -> b.contains(":message:" + next)))
                .hasSize(1);
    }

    private static String adt(String trigger, String controlId, String eventTime, String mrn, String given) {
        return "MSH|^~\\&|PAS|CLINIC|PORTAL|NHS|" + eventTime + "||ADT^" + trigger + "^ADT_A01|" + controlId
                + "|P|2.5.1\r"
                + "EVN|" + trigger + "|" + eventTime + "\r"
                + "PID|1||" + mrn + "^^^CLINIC^MR||SMITH^" + given + "||19800101|F\r"
                + "PV1|1|I|WARD1||||||||||||||||" + mrn + "-V1\r";
    }

    private void send(String message) throws Exception {
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            assertThat(client.send(message)).contains("MSA|AA|");
        }
    }

    private static int writesOf(String controlId) {
        return (int) FHIR.bodies().stream()
                .filter(b -> b.contains(":message:" + controlId))
                .count();
    }

    private UUID awaitStatus(String controlId, String status) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> jdbc
                                .query(
                                        "SELECT id FROM receipt WHERE message_id = ? AND status = ?",
                                        (rs, n) -> rs.getObject(1, UUID.class),
                                        controlId,
                                        status)
                                .stream()
                                .findFirst()
                                .orElse(null),
                        Objects::nonNull);
    }

    private static String newControlId() {
        return "P" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static String oru(String controlId) {
        return Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7")
                .replaceFirst("\\|ORU\\^R01\\|[^|]*\\|", "|ORU^R01|" + controlId + "|");
    }
}
