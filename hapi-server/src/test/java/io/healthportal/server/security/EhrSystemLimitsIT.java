package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 3, item 14, for EHR systems: whatever its system scopes ({@code system/*.cruds} here), a Backend
 * Services client with the EHR-system role reads and searches only the Patients of its registered Group
 * and their compartments, writes nothing, and exports its own Group only. Every token comes from the real
 * token endpoint; two members and one non-member, each with an Observation, are written by the tests'
 * unrestricted client.
 */
class EhrSystemLimitsIT extends FhirServerTestBase {

    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(90);

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    /** Drives batch2 jobs forward on demand, so an export finishes without waiting for the scheduler. */
    @Autowired
    IJobMaintenanceService jobMaintenance;

    private String family;
    private String member;
    private String otherMember;
    private String outsider;
    private String observationOfMember;
    private String observationOfOutsider;
    private String group;
    private String otherGroup;
    private BackendServicesTestClient ehr;

    @BeforeEach
    void aGroupOfTwoAndAnOutsider() {
        // One family name for all three, so that a search by it would find the outsider if it were not narrowed.
        family = "Ehr-" + UUID.randomUUID().toString().substring(0, 8);
        member = create(patient());
        otherMember = create(patient());
        outsider = create(patient());
        observationOfMember = create(observation(member));
        create(observation(otherMember));
        observationOfOutsider = create(observation(outsider));
        group = create(group(member, otherMember));
        otherGroup = create(group(outsider));
        ehr = BackendServicesTestClient.registerEhrSystem(
                registrations, "http://localhost:" + port + "/oauth2/token", Set.of("system/*.cruds"), group);
    }

    @Test
    void theEhrSystemsTokenCarriesItsRoleAndGroupSigned() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(ehr.accessToken()).getJWTClaimsSet();

        assertThat(claims.getStringClaim("portal_role")).isEqualTo("ehr-system");
        assertThat(claims.getStringClaim("portal_group")).isEqualTo(group);
    }

    @Test
    void anEhrSystemReadsTheMembersOfItsGroupAndNoOneElse() {
        assertThat(as(get("/Patient/" + member)).statusCode()).isEqualTo(200);
        assertThat(as(get("/Observation/" + observationOfMember)).statusCode()).isEqualTo(200);
        assertThat(as(get("/Group/" + group)).statusCode()).isEqualTo(200);
        assertThat(as(get("/Patient/" + member + "/_history")).statusCode()).isEqualTo(200);

        assertRefused(as(get("/Patient/" + outsider)));
        assertRefused(as(get("/Observation/" + observationOfOutsider)));
        assertRefused(as(get("/Patient/" + outsider + "/_history")));
        assertRefused(as(get("/Group/" + otherGroup)));
    }

    @Test
    void searchesAnswerWithTheGroupsPatientsOnly() {
        assertThat(ids(as(get("/Patient?family=" + family))))
                .containsExactlyInAnyOrder("Patient/" + member, "Patient/" + otherMember);
        assertThat(ids(as(get("/Observation?code=" + codeOf(family)))))
                .hasSize(2)
                .doesNotContain("Observation/" + observationOfOutsider);
        assertThat(ids(as(get("/Observation?subject.family=" + family))))
                .hasSize(2)
                .doesNotContain("Observation/" + observationOfOutsider);
        assertThat(ids(as(get("/Patient?_has:Observation:subject:code=" + codeOf(family)))))
                .containsExactlyInAnyOrder("Patient/" + member, "Patient/" + otherMember);
        assertThat(ids(as(get("/Patient?family=" + family + "&_revinclude=Observation:subject"))))
                .hasSize(4)
                .doesNotContain("Patient/" + outsider, "Observation/" + observationOfOutsider);
        assertThat(ids(as(get("/Observation?code=" + codeOf(family) + "&_include=Observation:subject"))))
                .contains("Patient/" + member)
                .doesNotContain("Patient/" + outsider);
        assertRefused(as(get("/Observation?subject=Patient/" + outsider)));
    }

    @Test
    void everythingAndBatchReadsStayWithinTheGroup() {
        HttpResponse<String> everything = as(get("/Patient/" + member + "/$everything"));
        assertThat(everything.statusCode()).as(everything.body()).isEqualTo(200);
        assertThat(ids(everything))
                .contains("Observation/" + observationOfMember)
                .doesNotContain("Patient/" + outsider);
        assertRefused(as(get("/Patient/" + outsider + "/$everything")));

        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + member);
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + outsider);
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Observation?code=" + codeOf(family));
        HttpResponse<String> answered = as(post("/", batch));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        List<String> returned = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : parse(answered).getEntry()) {
            if (entry.getResource() instanceof Bundle searchResult) {
                returned.addAll(ids(searchResult));
            } else if (entry.getResource() instanceof Patient patient) {
                returned.add(patient.getIdElement().toUnqualifiedVersionless().getValue());
            }
        }
        assertThat(returned)
                .contains("Patient/" + member)
                .doesNotContain("Patient/" + outsider, "Observation/" + observationOfOutsider);
    }

    @Test
    void anEhrSystemWritesNothing() {
        assertRefused(as(post("/Observation", observation(member))));
        Patient changed = client().read().resource(Patient.class).withId(member).execute();
        changed.getNameFirstRep().setFamily("Changed-by-EHR");
        assertRefused(as(put("/Patient/" + member, changed)));
        assertRefused(as(get("/Observation/" + observationOfMember).DELETE()));
        assertThat(client().read()
                        .resource(Patient.class)
                        .withId(member)
                        .execute()
                        .getNameFirstRep()
                        .getFamily())
                .isEqualTo(family);
    }

    @Test
    void anEhrSystemExportsItsOwnGroupOnlyAndSeesOnlyItsOwnExportFiles() {
        assertRefused(as(get("/$export").header("Prefer", "respond-async")));
        assertRefused(as(get("/Patient/$export").header("Prefer", "respond-async")));
        assertRefused(as(get("/Group/" + otherGroup + "/$export").header("Prefer", "respond-async")));
        BackendServicesTestClient otherEhr = BackendServicesTestClient.registerEhrSystem(
                registrations, "http://localhost:" + port + "/oauth2/token", Set.of("system/*.rs"), otherGroup);

        HttpResponse<String> kickOff =
                as(get("/Group/" + group + "/$export?_type=Patient,Observation").header("Prefer", "respond-async"));
        assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
        JsonNode manifest =
                awaitManifest(kickOff.headers().firstValue("Content-Location").orElseThrow());

        List<String> exported = new ArrayList<>();
        for (JsonNode output : manifest.get("output")) {
            String file = output.get("url").asText();
            HttpResponse<String> download =
                    as(HttpRequest.newBuilder(java.net.URI.create(file)).header("Accept", "application/fhir+ndjson"));
            assertThat(download.statusCode()).as(download.body()).isEqualTo(200);
            download.body()
                    .lines()
                    .filter(line -> !line.isBlank())
                    .forEach(line -> exported.add(fhirContext
                            .newJsonParser()
                            .parseResource(line)
                            .getIdElement()
                            .toUnqualifiedVersionless()
                            .getValue()));
            // Another EHR system cannot fetch this one's file.
            assertThat(send(HttpRequest.newBuilder(java.net.URI.create(file))
                                    .header("Accept", "application/fhir+ndjson")
                                    .header("Authorization", "Bearer " + otherEhr.accessToken()))
                            .statusCode())
                    .isEqualTo(404);
        }
        assertThat(exported)
                .contains("Patient/" + member, "Patient/" + otherMember, "Observation/" + observationOfMember)
                .doesNotContain("Patient/" + outsider, "Observation/" + observationOfOutsider);
    }

    private JsonNode awaitManifest(String status) {
        long deadline = System.nanoTime() + EXPORT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            jobMaintenance.runMaintenancePass();
            HttpResponse<String> response = as(HttpRequest.newBuilder(java.net.URI.create(status)));
            if (response.statusCode() == 200) {
                try {
                    return json.readTree(response.body());
                } catch (java.io.IOException e) {
                    throw new AssertionError("Manifest is not JSON: " + response.body(), e);
                }
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("Export not complete after " + EXPORT_TIMEOUT + ": " + status);
    }

    private Patient patient() {
        Patient patient = new Patient();
        patient.addName().setFamily(family).addGiven("Test");
        return patient;
    }

    /** An Observation coded with the test's own code, so that a search by it finds this test's only. */
    private Observation observation(String patient) {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().addCoding().setSystem("urn:healthportal:test").setCode(family);
        observation.setSubject(new Reference("Patient/" + patient));
        return observation;
    }

    private static String codeOf(String family) {
        return "urn:healthportal:test%7C" + family;
    }

    private static Group group(String... patients) {
        Group group = new Group();
        group.setType(Group.GroupType.PERSON).setActual(true);
        for (String patient : patients) {
            group.addMember().setEntity(new Reference("Patient/" + patient));
        }
        return group;
    }

    private String create(IBaseResource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }

    private List<String> ids(HttpResponse<String> searchResponse) {
        assertThat(searchResponse.statusCode()).as(searchResponse.body()).isEqualTo(200);
        return ids(parse(searchResponse));
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream()
                .filter(entry -> entry.getResource() != null)
                .map(entry -> entry.getResource()
                        .getIdElement()
                        .toUnqualifiedVersionless()
                        .getValue())
                .toList();
    }

    private Bundle parse(HttpResponse<String> response) {
        return fhirContext.newJsonParser().parseResource(Bundle.class, response.body());
    }

    private HttpResponse<String> as(HttpRequest.Builder request) {
        return send(request.header("Authorization", "Bearer " + ehr.accessToken()));
    }

    private HttpRequest.Builder get(String path) {
        return anonymousRequest(path).header("Accept", "application/fhir+json");
    }

    private HttpRequest.Builder post(String path, IBaseResource body) {
        return anonymousRequest(path)
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        fhirContext.newJsonParser().encodeResourceToString(body)));
    }

    private HttpRequest.Builder put(String path, IBaseResource body) {
        return anonymousRequest(path)
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        fhirContext.newJsonParser().encodeResourceToString(body)));
    }

    private void assertRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("PORTAL-AUTH-403");
    }
}
