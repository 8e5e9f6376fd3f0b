package io.healthportal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear FHIR answer with the status the spec names, and nothing half-written. */
class BadInputIT extends FhirServerTestBase {

    private static final String JSON = "application/fhir+json";

    @Test
    void malformedJsonIsA400SayingWhere() {
        HttpResponse<String> response = post("/Patient", JSON, "{\"resourceType\":\"Patient\",\n\"name\": [}");
        assertThat(response.statusCode()).isEqualTo(400);
        OperationOutcome outcome = outcome(response);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("line: 2");
    }

    @Test
    void malformedXmlIsA400SayingWhere() {
        HttpResponse<String> response = post(
                "/Patient",
                "application/fhir+xml",
                "<Patient xmlns=\"http://hl7.org/fhir\">\n<name><family value=\"x\"/>");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("OperationOutcome").contains("[2,25]");
    }

    @Test
    void resourceOfTheWrongTypeForTheEndpointIsA400() {
        HttpResponse<String> response = post("/Observation", JSON, "{\"resourceType\":\"Patient\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(outcome(response).getIssueFirstRep().getDiagnostics()).contains("Patient");
    }

    @Test
    void unknownResourceTypeIsA404() {
        HttpResponse<String> response = send(request("/Spaceship/1"));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(outcome(response).getIssueFirstRep().getDiagnostics()).contains("Spaceship");
    }

    @Test
    void unknownSearchParameterIsA400UnlessLenientHandlingIsAsked() {
        assertThat(send(request("/Patient?shoe-size=9")).statusCode()).isEqualTo(400);
        HttpResponse<String> lenient = send(request("/Patient?shoe-size=9").header("Prefer", "handling=lenient"));
        assertThat(lenient.statusCode()).isEqualTo(200);
    }

    @Test
    void transactionWithOneBadEntryStoresNoneOfItsEntries() {
        String family = "Txnrollback" + System.nanoTime();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < 3; i++) {
            transaction
                    .addEntry()
                    .setResource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(family)))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Patient");
        }
        // An update of a resource that does not exist with a numeric id is refused by the server.
        transaction
                .addEntry()
                .setResource(new Patient().setId("12345678"))
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Patient/12345678");
        HttpResponse<String> response =
                post("", JSON, fhirContext.newJsonParser().encodeResourceToString(transaction));

        assertThat(response.statusCode()).isEqualTo(400);
        Bundle found = client().search()
                .forResource(Patient.class)
                .where(Patient.FAMILY.matchesExactly().value(family))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(found.getTotal()).isZero();
    }

    @Test
    void bodyOverTheConfiguredLimitIsA413() {
        String huge = "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\""
                + "x".repeat(17 << 20) + "\"}}";
        HttpResponse<String> response = post("/Patient", JSON, huge);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(outcome(response).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
    }

    @Test
    void gzipBodyThatInflatesPastTheLimitIsA413() throws java.io.IOException {
        var compressed = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(compressed)) {
            gzip.write(("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\""
                            + "x".repeat(17 << 20)
                            + "\"}}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(compressed.size()).isLessThan(1 << 20);

        HttpResponse<String> response = send(request("/Patient")
                .header("Content-Type", JSON)
                .header("Content-Encoding", "gzip")
                .POST(BodyPublishers.ofByteArray(compressed.toByteArray())));

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void deletingAResourceThatIsStillReferencedIsA409() {
        Patient patient = (Patient) client().create()
                .resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Referenced")))
                .execute()
                .getResource();
        var observation = new org.hl7.fhir.r4.model.Observation()
                .setStatus(org.hl7.fhir.r4.model.Observation.ObservationStatus.FINAL)
                .setSubject(new org.hl7.fhir.r4.model.Reference(
                        patient.getIdElement().toUnqualifiedVersionless()));
        observation.getCode().setText("note");
        client().create().resource(observation).execute();

        HttpResponse<String> response =
                send(request("/Patient/" + patient.getIdElement().getIdPart()).DELETE());

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(send(request("/Patient/" + patient.getIdElement().getIdPart()))
                        .statusCode())
                .isEqualTo(200);
    }

    private HttpResponse<String> post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType).POST(BodyPublishers.ofString(body)));
    }

    private OperationOutcome outcome(HttpResponse<String> response) {
        return fhirContext.newJsonParser().parseResource(OperationOutcome.class, response.body());
    }
}
