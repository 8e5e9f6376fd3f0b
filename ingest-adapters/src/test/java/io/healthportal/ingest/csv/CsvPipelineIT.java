package io.healthportal.ingest.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.healthportal.ingest.IngestAppTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** A CSV dispense file of the demo pharmacy posted over HTTP, through the broker, to the FHIR endpoint. */
class CsvPipelineIT extends IngestAppTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String HEADER =
            "dispense_id,prescription_id,nhs_number,patient_id,dmd_code,medication,quantity,unit,days_supply,dispensed_on\n";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aPostedDispenseFileIsWrittenAsOneTransactionAndAResentFileUpdatesTheSameDispenses() throws Exception {
        String dispenseId = "D" + UUID.randomUUID();
        String file = HEADER
                + dispenseId
                + ",RX-1,943 476 5919,P001,39720311000001101,Paracetamol 500mg tablets,32,tablet,8,03/11/2026\n"
                + dispenseId + "-2,,,P002,42109611000001109,,,,,\n";

        UUID receipt = post(file);
        awaitStatus(receipt, "WRITTEN");

        List<String> writes = writesOf(receipt);
        assertThat(writes).hasSize(1);
        String conditionalUpdate =
                "MedicationDispense?identifier=https%3A%2F%2Fdemo-pharmacy.example.nhs.uk%2FId%2Fdispense|"
                        + dispenseId;
        assertThat(writes.get(0))
                .contains("\"transaction\"", conditionalUpdate, "https://dmd.nhs.uk", "39720311000001101")
                .contains("Provenance/receipt-" + receipt)
                .contains("\"ifNoneExist\":\"identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number|9434765919\"");

        // The pharmacy corrects the quantity and sends the file again: a new receipt, the same identities.
        UUID corrected = post(file.replace(",32,tablet,", ",30,tablet,"));
        assertThat(corrected).isNotEqualTo(receipt);
        awaitStatus(corrected, "WRITTEN");
        assertThat(writesOf(corrected)).singleElement().asString().contains(conditionalUpdate);
    }

    @Test
    void aFileWithAnUnmappableRowIsDeadLetteredWithItsCodeAndNoPatientData() throws Exception {
        String file = HEADER
                + "D" + UUID.randomUUID() + ",,9434765919,P001,39720311000001101,,,,,\n"
                + "D" + UUID.randomUUID() + ",,9434765918,P009,39720311000001101,,,,,\n";

        UUID receipt = post(file);
        awaitStatus(receipt, "DEAD_LETTERED");

        Map<String, Object> letter =
                jdbc.queryForMap("SELECT error_code, reason FROM dead_letter WHERE receipt_id = ?", receipt);
        assertThat(letter.get("error_code")).isEqualTo("INGEST-CSV-NHS-NUMBER-INVALID");
        assertThat((String) letter.get("reason"))
                .contains("row 2", "nhs_number")
                .doesNotContain("9434765918", "P009");
        assertThat(writesOf(receipt)).isEmpty();
    }

    private UUID post(String csv) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ingest/demo-pharmacy"))
                        .header("Authorization", "Bearer " + FHIR.systemToken("demo-pharmacy"))
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString(csv))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
        Matcher id =
                Pattern.compile("\"receiptId\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(response.body());
        assertThat(id.find()).as(response.body()).isTrue();
        return UUID.fromString(id.group(1));
    }

    private static List<String> writesOf(UUID receipt) {
        return FHIR.bodies().stream()
                .filter(b -> b.contains(":receipt:" + receipt))
                .toList();
    }

    private void awaitStatus(UUID receipt, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> jdbc.queryForObject("SELECT status FROM receipt WHERE id = ?", String.class, receipt),
                        status::equals);
    }
}
