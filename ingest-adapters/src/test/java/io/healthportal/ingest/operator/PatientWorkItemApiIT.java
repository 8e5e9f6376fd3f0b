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
import java.util.Objects;
import java.util.UUID;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The operator API over unverified Patients' work items, called with tokens as hapi-server issues them.
 * The items come from messages through the real pipeline: the scripted hapi-server finds no Patient, so
 * each message creates one, and the work item names the location hapi-server answered; verifying removes
 * the unverified tag from that Patient ({@code $meta-delete}).
 */
class PatientWorkItemApiIT extends IngestAppTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LabResultMessages MESSAGES =
            new LabResultMessages(7, 20, "WI" + UUID.randomUUID().toString().substring(0, 6), Instant.now());

    @LocalServerPort
    int port;

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    private final String admin = FHIR.userToken("ops-admin", "administrator");

    @Test
    void anAdministratorListsItemsWithoutPatientDataAndVerifyingTakesTheMarkOffThePatient() throws Exception {
        LabResultMessages.Message message = MESSAGES.next();
        long item = workItemOf(message);

        HttpResponse<String> list = call("GET", "/operator/patient-work-items", admin);
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode listed = entry(JSON.readTree(list.body()).path("workItems"), item);
        assertThat(listed.path("partner").asText()).isEqualTo("demo-lab");
        assertThat(listed.path("identifierSystem").asText()).isEqualTo("https://fhir.nhs.uk/Id/nhs-number");
        assertThat(listed.path("identifierMasked").asText())
                .isEqualTo("*******" + message.nhsNumber().substring(7));
        assertThat(listed.path("patient").asText()).startsWith("Patient/");
        assertThat(listed.path("state").asText()).isEqualTo("OPEN");
        assertThat(list.body()).doesNotContain(message.nhsNumber(), message.mrn());

        HttpResponse<String> verified = call("POST", "/operator/patient-work-items/" + item + "/verify", admin);
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(verified.body()).path("state").asText()).isEqualTo("VERIFIED");
        assertThat(JSON.readTree(verified.body()).path("resolvedBy").asText()).isEqualTo("ops-admin");
        String patient = listed.path("patient").asText();
        assertThat(FHIR.requests()).contains("POST /fhir/" + patient + "/$meta-delete");
        assertThat(FHIR.patient(patient).orElseThrow().getMeta().getTag())
                .extracting(Coding::getSystem)
                .contains("https://healthportal.io/CodeSystem/demographics-owner")
                .doesNotContain("https://healthportal.io/CodeSystem/patient-verification");

        assertThat(call("POST", "/operator/patient-work-items/" + item + "/verify", admin)
                        .statusCode())
                .isEqualTo(409);
        assertThat(call("GET", "/operator/patient-work-items", admin).body()).doesNotContain("\"id\":" + item + ",");
        assertThat(call("GET", "/operator/patient-work-items?includeResolved=true", admin)
                        .body())
                .contains("\"id\":" + item + ",");
        assertThat(audit(item))
                .containsExactly("ops-admin verify-work-item ALLOWED", "ops-admin verify-work-item CONFLICT");
    }

    @Test
    void dismissingClosesTheItemWithoutTouchingThePatient() throws Exception {
        long item = workItemOf(MESSAGES.next());
        int fhirRequests = FHIR.requests().size();

        HttpResponse<String> dismissed = call("POST", "/operator/patient-work-items/" + item + "/dismiss", admin);
        assertThat(dismissed.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(dismissed.body()).path("state").asText()).isEqualTo("DISMISSED");
        assertThat(FHIR.requests().subList(fhirRequests, FHIR.requests().size()))
                .noneMatch(r -> r.startsWith("PUT ") || r.endsWith("$meta-delete"));
        assertThat(call("POST", "/operator/patient-work-items/" + item + "/verify", admin)
                        .statusCode())
                .isEqualTo(409);
    }

    @Test
    void whileHapiServerRefusesTheChangeTheItemStaysOpenAndTheFailureIsAudited() throws Exception {
        long item = workItemOf(MESSAGES.next());
        String patient =
                jdbc.queryForObject("SELECT patient_reference FROM patient_work_item WHERE id = ?", String.class, item);
        // Removing this Patient's tag is refused once.
        FHIR.answerFor(patient + "/$meta-delete", 503);

        HttpResponse<String> failed = call("POST", "/operator/patient-work-items/" + item + "/verify", admin);
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.body()).contains("INGEST-WORK-ITEM-FHIR");
        assertThat(state(item)).isEqualTo("OPEN");

        assertThat(FHIR.patient(patient).orElseThrow().getMeta().getTag())
                .extracting(Coding::getCode)
                .contains("unverified");

        assertThat(call("POST", "/operator/patient-work-items/" + item + "/verify", admin)
                        .statusCode())
                .isEqualTo(200);
        assertThat(FHIR.patient(patient).orElseThrow().getMeta().getTag())
                .extracting(Coding::getCode)
                .doesNotContain("unverified");
        assertThat(audit(item))
                .containsExactly("ops-admin verify-work-item FAILED", "ops-admin verify-work-item ALLOWED");
    }

    @Test
    void nobodyButAnAdministratorGetsInAndTheRefusalsAreAudited() throws Exception {
        long item = workItemOf(MESSAGES.next());
        assertThat(call("GET", "/operator/patient-work-items", null).statusCode())
                .isEqualTo(401);
        for (String token : List.of(
                FHIR.systemToken("demo-lab"),
                FHIR.userToken("someone", "patient"),
                FHIR.userToken("front-desk", "receptionist"))) {
            assertThat(call("GET", "/operator/patient-work-items", token).statusCode())
                    .isEqualTo(403);
            assertThat(call("POST", "/operator/patient-work-items/" + item + "/verify", token)
                            .statusCode())
                    .isEqualTo(403);
        }
        assertThat(audit(item))
                .containsExactly(
                        "demo-lab verify-work-item DENIED",
                        "someone verify-work-item DENIED",
                        "front-desk verify-work-item DENIED");
        assertThat(state(item)).isEqualTo("OPEN");
        assertThat(call("GET", "/operator/patient-work-items/" + Long.MAX_VALUE, admin)
                        .statusCode())
                .isEqualTo(404);
    }

    /** Sends a result for a patient hapi-server does not have, and waits for the work item it opens. */
    private long workItemOf(LabResultMessages.Message message) throws Exception {
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            assertThat(client.send(message.text())).contains("MSA|AA|");
        }
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> jdbc
                                .queryForList(
                                        "SELECT w.id FROM patient_work_item w JOIN receipt r ON r.id = w.receipt_id"
                                                + " WHERE r.message_id = ?",
                                        Long.class,
                                        message.controlId())
                                .stream()
                                .findFirst()
                                .orElse(null),
                        Objects::nonNull);
    }

    private String state(long item) {
        return jdbc.queryForObject("SELECT state FROM patient_work_item WHERE id = ?", String.class, item);
    }

    private List<String> audit(long item) {
        return jdbc.queryForList(
                "SELECT operator || ' ' || action || ' ' || outcome FROM operator_audit WHERE work_item_id = ?"
                        + " AND action <> 'show-work-item' ORDER BY id",
                String.class,
                item);
    }

    private static JsonNode entry(JsonNode list, long item) {
        for (JsonNode each : list) {
            if (each.path("id").asLong() == item) {
                return each;
            }
        }
        throw new AssertionError("work item " + item + " not listed in " + list);
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
