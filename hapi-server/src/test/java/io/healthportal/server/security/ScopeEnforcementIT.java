package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Scopes v1 and v2 decide what a valid token may do: each interaction needs its permission on the
 * resource type, and anything outside the grant is a 403 OperationOutcome. The plain v1 and v2 cases
 * are in {@link SmartAcceptanceIT}; these are the finer ones.
 */
class ScopeEnforcementIT extends FhirServerTestBase {

    @Autowired
    ClientRegistrations registrations;

    private String patientId;
    private String observationId;

    @BeforeEach
    void data() {
        Patient patient = new Patient();
        patient.addName().setFamily("Scopes");
        patientId = client().create().resource(patient).execute().getId().getIdPart();
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("scope test");
        observation.setSubject(new Reference("Patient/" + patientId));
        observationId =
                client().create().resource(observation).execute().getId().getIdPart();
    }

    private String tokenFor(String... scopes) {
        return BackendServicesTestClient.register(
                        registrations, "http://localhost:" + port + "/oauth2/token", Set.of(scopes))
                .accessToken();
    }

    private HttpResponse<String> as(String token, HttpRequest.Builder request) {
        return send(request.header("Authorization", "Bearer " + token));
    }

    private HttpRequest.Builder get(String path) {
        return anonymousRequest(path);
    }

    private HttpRequest.Builder post(String path, String body) {
        return anonymousRequest(path)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void aBackEndReadsAPatientsRecordWithEverythingOnlyWithinItsScopes() {
        String readsBoth = tokenFor("system/Patient.rs", "system/Observation.rs");
        String readsPatients = tokenFor("system/Patient.rs");

        HttpResponse<String> record =
                as(readsBoth, get("/Patient/" + patientId + "/$everything?_type=Patient,Observation"));
        assertThat(record.statusCode()).as(record.body()).isEqualTo(200);
        assertThat(record.body()).contains("Patient/" + patientId, "Observation/" + observationId);
        // The Observation in the answer is outside this token's scopes: all of it is refused.
        assertForbidden(as(readsPatients, get("/Patient/" + patientId + "/$everything")));
        assertForbidden(as(tokenFor("system/Observation.rs"), get("/Patient/" + patientId + "/$everything")));
    }

    @Test
    void v2SearchWithoutReadAllowsSearchButNotRead() {
        String token = tokenFor("system/Patient.s");

        assertThat(as(token, get("/Patient?family=Scopes")).statusCode()).isEqualTo(200);
        assertForbidden(as(token, get("/Patient/" + patientId)));
    }

    @Test
    void v2CreateWithoutUpdateAllowsCreateButNotUpdate() {
        String token = tokenFor("system/Patient.c");

        assertThat(as(token, post("/Patient", "{\"resourceType\":\"Patient\"}")).statusCode())
                .isEqualTo(201);
        HttpResponse<String> update = as(
                token,
                anonymousRequest("/Patient/" + patientId)
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(
                                "{\"resourceType\":\"Patient\",\"id\":\"" + patientId + "\"}")));
        assertForbidden(update);
    }

    @Test
    void wildcardTypeScopesReachEveryType() {
        String token = tokenFor("system/*.rs");

        assertThat(as(token, get("/Patient/" + patientId)).statusCode()).isEqualTo(200);
        assertThat(as(token, get("/Observation/" + observationId)).statusCode()).isEqualTo(200);
        assertForbidden(as(token, post("/Patient", "{\"resourceType\":\"Patient\"}")));
    }

    @Test
    void anIncludeOfATypeOutsideTheScopesIsForbidden() {
        String token = tokenFor("system/Observation.rs");

        assertForbidden(as(token, get("/Observation?_id=" + observationId + "&_include=Observation:subject")));
    }

    @Test
    void aChainIntoATypeOutsideTheScopesIsForbiddenWhetherTypedOrNot() {
        String token = tokenFor("system/Observation.rs");

        // Refused up front, whether or not anything matches: the answer must not tell.
        assertForbidden(as(token, get("/Observation?subject:Patient.family=Scopes")));
        assertForbidden(as(token, get("/Observation?subject:Patient.family=Nobody-has-this-name")));
        assertForbidden(as(token, get("/Observation?subject.family=Scopes")));
        HttpResponse<String> own = as(token, get("/Observation?code:text=scope&subject=Patient/" + patientId));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).contains(observationId);
    }

    @Test
    void aTransactionEntryOutsideTheScopesForbidsTheWholeTransaction() {
        String token = tokenFor("system/Observation.cruds");
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"resource\":{\"resourceType\":\"Patient\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";

        assertForbidden(as(token, post("", bundle)));
    }

    private void assertForbidden(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    }
}
