package io.healthportal.ingest.ccda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.healthportal.ingest.IngestAppTestBase;
import io.healthportal.ingest.intake.Receipts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** A C-CDA document of the demo GP accepted by the intake, through the broker and the format, to the FHIR endpoint. */
class CcdaPipelineIT extends IngestAppTestBase {

    @Autowired
    Receipts receipts;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anAcceptedDocumentIsWrittenWithItsResultsAndADoctypeIsDeadLettered() throws Exception {
        String organizer = UUID.randomUUID().toString();
        String section = """
                <section>
                  <templateId root="2.16.840.1.113883.10.20.22.2.3.1"/>
                  <code code="30954-2" codeSystem="2.16.840.1.113883.6.1"/>
                  <entry><organizer classCode="BATTERY" moodCode="EVN">
                    <templateId root="2.16.840.1.113883.10.20.22.4.1"/>
                    <id root="%s"/>
                    <code code="24362-6" codeSystem="2.16.840.1.113883.6.1" displayName="Renal function panel"/>
                    <statusCode code="completed"/>
                    <effectiveTime value="20261026013000+0000"/>
                    <component><observation classCode="OBS" moodCode="EVN">
                      <templateId root="2.16.840.1.113883.10.20.22.4.2"/>
                      <id root="2.16.840.1.113883.19.5.7" extension="%s-K"/>
                      <code code="2823-3" codeSystem="2.16.840.1.113883.6.1" displayName="Potassium"/>
                      <statusCode code="completed"/>
                      <effectiveTime value="20261026013000+0000"/>
                      <value xsi:type="PQ" value="5.9" unit="mmol/L"/>
                      <interpretationCode code="H" codeSystem="2.16.840.1.113883.5.83"/>
                    </observation></component>
                  </organizer></entry>
                </section>
                """.formatted(organizer, organizer);

        UUID receipt = post(CcdaFormatTest.inDocument(section));
        awaitStatus(receipt, "WRITTEN");

        List<String> writes = FHIR.bodies().stream()
                .filter(b -> b.contains(":receipt:" + receipt))
                .toList();
        assertThat(writes)
                .singleElement()
                .asString()
                .contains("DiagnosticReport?identifier=urn%3Aietf%3Arfc%3A3986|urn%3Auuid%3A" + organizer)
                .contains("Observation?identifier=urn%3Aoid%3A2.16.840.1.113883.19.5.7|" + organizer + "-K")
                .contains("\"ifNoneExist\":\"identifier=https%3A%2F%2Fdemo-gp.example.nhs.uk%2FId%2Fpatient|TEST-1\"")
                .contains("Provenance/receipt-" + receipt);

        UUID attack = post("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">&e;</ClinicalDocument>");
        awaitStatus(attack, "DEAD_LETTERED");
        Map<String, Object> letter =
                jdbc.queryForMap("SELECT error_code, reason FROM dead_letter WHERE receipt_id = ?", attack);
        assertThat(letter.get("error_code")).isEqualTo("INGEST-CCDA-PARSE");
        assertThat((String) letter.get("reason")).contains("DOCTYPE");
    }

    /** Through the durable intake, as the HTTP intake and the pollers hand payloads over. */
    private UUID post(String document) {
        return receipts.accept("demo-gp", "CCDA", "test", "", document.getBytes(StandardCharsets.UTF_8))
                .receiptId();
    }

    private void awaitStatus(UUID receipt, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> jdbc.queryForObject("SELECT status FROM receipt WHERE id = ?", String.class, receipt),
                        status::equals);
    }
}
