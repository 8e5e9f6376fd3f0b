package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The SMART standalone launch of a patient, at the HTTP level, beyond the test kits' checks (which are
 * in {@link SmartAcceptanceIT}): the consent page, what the resulting token reaches, and how codes and
 * tokens are stored.
 */
class StandalonePatientLaunchIT extends FhirServerTestBase {

    private static final String REDIRECT_URI = "http://127.0.0.1:7777/callback";
    private static final String PASSWORD = "correct horse battery staple";
    private static final List<String> APP_SCOPES = List.of(
            "openid",
            "fhirUser",
            "launch/patient",
            "patient/Patient.rs",
            "patient/Observation.rs",
            "patient/Practitioner.rs",
            "patient/Patient.u",
            "patient/Observation.u",
            "patient/Provenance.rs",
            "user/*.cruds",
            "offline_access");

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    JdbcTemplate jdbc;

    private String clientId;
    private String username;
    private String ownPatient;
    private String otherPatient;
    private String ownObservation;
    private String otherObservation;
    private AuthorizationCodeFlow browser;

    @BeforeEach
    void patientAndApp() {
        ownPatient = createPatient("Launching");
        otherPatient = createPatient("Someone-else");
        ownObservation = createObservation(ownPatient);
        otherObservation = createObservation(otherPatient);
        username = "patient-" + UUID.randomUUID();
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + ownPatient, "Pat Launching");
        clientId = "test-app-" + UUID.randomUUID();
        registrations.registerPublicApp(clientId, "Test records app", REDIRECT_URI, Set.copyOf(APP_SCOPES));
        browser = new AuthorizationCodeFlow("http://localhost:" + port);
    }

    private Map<String, String> authorizationRequest(String scope) {
        return browser.authorizationRequest(clientId, REDIRECT_URI, scope, "state-" + UUID.randomUUID(), fhirBase());
    }

    /** Authorize → sign in → consent page. */
    private HttpResponse<String> consentPage(Map<String, String> authorization) {
        HttpResponse<String> toLogin = browser.authorize(authorization);
        assertThat(location(toLogin)).endsWith("/login");
        HttpResponse<String> signedIn = browser.signIn(username, PASSWORD);
        HttpResponse<String> toConsent = browser.follow(signedIn);
        assertThat(location(toConsent)).contains("/oauth2/consent");
        HttpResponse<String> page = browser.follow(toConsent);
        assertThat(page.statusCode()).isEqualTo(200);
        return page;
    }

    private JsonNode launch(List<String> granted, Map<String, String> authorization) throws Exception {
        HttpResponse<String> callback = browser.consent(consentPage(authorization), granted);
        assertThat(location(callback)).startsWith(REDIRECT_URI + "?");
        Map<String, String> answer = query(callback);
        assertThat(answer.get("state")).isEqualTo(authorization.get("state"));
        HttpResponse<String> token = browser.exchange(clientId, REDIRECT_URI, answer.get("code"), browser.verifier());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return json.readTree(token.body());
    }

    @Test
    void thePatientTokenReadsTheirOwnRecordOnlyAndSearchesAreNarrowedToIt() throws Exception {
        String accessToken = launch(
                        List.of("launch/patient", "patient/Patient.rs", "patient/Observation.rs"),
                        authorizationRequest("launch/patient patient/Patient.rs patient/Observation.rs"))
                .get("access_token")
                .asText();

        assertThat(asPatient(accessToken, "/Patient/" + ownPatient).statusCode())
                .isEqualTo(200);
        assertThat(asPatient(accessToken, "/Observation/" + ownObservation).statusCode())
                .isEqualTo(200);
        assertThat(asPatient(accessToken, "/Patient/" + otherPatient).statusCode())
                .isEqualTo(403);
        assertThat(asPatient(accessToken, "/Observation/" + otherObservation).statusCode())
                .isEqualTo(403);
        HttpResponse<String> search = asPatient(accessToken, "/Observation?code:text=launch-test");
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        Bundle found = fhirContext.newJsonParser().parseResource(Bundle.class, search.body());
        assertThat(found.getEntry())
                .extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(ownObservation);
        assertThat(asPatient(accessToken, "/Observation?subject=Patient/" + otherPatient)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void thePatientTokenReadsLinkedPractitionersButNoChainOutsideItsGrantAndNoBulkExport() throws Exception {
        Practitioner practitioner = new Practitioner();
        practitioner.addName().setFamily("Launch-gp");
        String practitionerId =
                client().create().resource(practitioner).execute().getId().getIdPart();
        String accessToken = launch(
                        List.of("launch/patient", "patient/Observation.rs", "patient/Practitioner.rs"),
                        authorizationRequest("launch/patient patient/Observation.rs patient/Practitioner.rs"))
                .get("access_token")
                .asText();

        // Outside every patient's compartment, and what an app needs to show who treated them.
        assertThat(asPatient(accessToken, "/Practitioner/" + practitionerId).statusCode())
                .isEqualTo(200);
        // The grant cannot read Patient: a chain into it is refused, matching or not, typed or not.
        for (String chain : List.of(
                "/Observation?subject:Patient.family=Launching",
                "/Observation?subject:Patient.family=Someone-else",
                "/Observation?subject.family=Launching")) {
            assertThat(asPatient(accessToken, chain).statusCode()).as(chain).isEqualTo(403);
        }
        for (String export : List.of("/Patient/$export", "/Patient/" + ownPatient + "/$export", "/$export")) {
            HttpResponse<String> refused = send(anonymousRequest(export)
                    .header("Authorization", "Bearer " + accessToken)
                    .header("Prefer", "respond-async"));
            assertThat(refused.statusCode()).as(export + ": " + refused.body()).isEqualTo(403);
        }
    }

    @Test
    void thePatientTokenPatchesAndReadsTheHistoryOfTheirOwnDataButNeverReachesAnotherPatients() throws Exception {
        String accessToken = launch(
                        List.of(
                                "launch/patient",
                                "patient/Patient.rs",
                                "patient/Patient.u",
                                "patient/Observation.rs",
                                "patient/Observation.u"),
                        authorizationRequest(
                                "launch/patient patient/Patient.rs patient/Patient.u patient/Observation.rs"
                                        + " patient/Observation.u"))
                .get("access_token")
                .asText();

        HttpResponse<String> patched = patch(
                accessToken,
                "/Observation/" + ownObservation,
                "[{\"op\":\"add\",\"path\":\"/language\",\"value\":\"en\"}]");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        HttpResponse<String> moved = patch(
                accessToken,
                "/Observation/" + ownObservation,
                "[{\"op\":\"replace\",\"path\":\"/subject/reference\",\"value\":\"Patient/" + otherPatient + "\"}]");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(403);
        assertThat(moved.body()).contains("PORTAL-AUTH-403");
        Observation stored = client().read()
                .resource(Observation.class)
                .withId(ownObservation)
                .execute();
        assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + ownPatient);
        // Theirs still, but with the other patient as performer it would show in the other's record.
        HttpResponse<String> shared = patch(
                accessToken,
                "/Observation/" + ownObservation,
                "[{\"op\":\"add\",\"path\":\"/performer\",\"value\":[{\"reference\":\"Patient/" + otherPatient
                        + "\"}]}]");
        assertThat(shared.statusCode()).as(shared.body()).isEqualTo(403);
        // A patch that changes nothing still may not show or touch another patient's Observation.
        HttpResponse<String> noOp = patch(
                accessToken,
                "/Observation/" + otherObservation,
                "[{\"op\":\"test\",\"path\":\"/status\",\"value\":\"final\"}]");
        assertThat(noOp.statusCode()).as(noOp.body()).isEqualTo(403);
        assertThat(noOp.body()).doesNotContain("launch-test");

        HttpResponse<String> history = asPatient(accessToken, "/Observation/" + ownObservation + "/_history");
        assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
        assertThat(fhirContext
                        .newJsonParser()
                        .parseResource(Bundle.class, history.body())
                        .getEntry())
                .hasSize(2);
        // The other patient's Observation, moved into this record: its first version is still theirs.
        Observation taken = client().read()
                .resource(Observation.class)
                .withId(otherObservation)
                .execute();
        taken.setSubject(new Reference("Patient/" + ownPatient));
        client().update().resource(taken).execute();
        assertThat(asPatient(accessToken, "/Observation/" + otherObservation).statusCode())
                .isEqualTo(200);
        HttpResponse<String> mixedHistory = asPatient(accessToken, "/Observation/" + otherObservation + "/_history");
        assertThat(mixedHistory.statusCode()).as(mixedHistory.body()).isEqualTo(403);
        assertThat(mixedHistory.body()).doesNotContain(otherPatient);

        Patient own = new Patient();
        own.addName().setFamily("Launching").addGiven("Renamed");
        // Every launch of this class makes a "Launching" Patient: matched within their own record only.
        HttpResponse<String> conditional = put(accessToken, "/Patient?family=Launching", own);
        assertThat(conditional.statusCode()).as(conditional.body()).isEqualTo(200);
        assertThat(client().read()
                        .resource(Patient.class)
                        .withId(ownPatient)
                        .execute()
                        .getNameFirstRep()
                        .getGivenAsSingleString())
                .isEqualTo("Renamed");
        HttpResponse<String> otherConditional = put(accessToken, "/Patient?_id=" + otherPatient, own);
        assertThat(otherConditional.statusCode()).as(otherConditional.body()).isEqualTo(403);
        assertThat(client().read()
                        .resource(Patient.class)
                        .withId(otherPatient)
                        .execute()
                        .getNameFirstRep()
                        .getFamily())
                .isEqualTo("Someone-else");
    }

    @Test
    void thePatientTokenReadsProvenanceAboutTheirDataButNotOneAlsoAboutAnotherPatients() throws Exception {
        String about = createProvenance("Observation/" + ownObservation);
        String mixed = createProvenance("Observation/" + ownObservation, "Observation/" + otherObservation);
        String others = createProvenance("Observation/" + otherObservation);
        String accessToken = launch(
                        List.of("launch/patient", "patient/Observation.rs", "patient/Provenance.rs"),
                        authorizationRequest("launch/patient patient/Observation.rs patient/Provenance.rs"))
                .get("access_token")
                .asText();

        assertThat(asPatient(accessToken, "/Provenance/" + about).statusCode()).isEqualTo(200);
        assertThat(asPatient(accessToken, "/Provenance/" + mixed).statusCode()).isEqualTo(404);
        assertThat(asPatient(accessToken, "/Provenance/" + others).statusCode()).isEqualTo(403);
        HttpResponse<String> revinclude =
                asPatient(accessToken, "/Observation?_id=" + ownObservation + "&_revinclude=Provenance:target");
        assertThat(revinclude.statusCode()).as(revinclude.body()).isEqualTo(200);
        assertThat(fhirContext
                        .newJsonParser()
                        .parseResource(Bundle.class, revinclude.body())
                        .getEntry())
                .extracting(e -> e.getResource()
                        .getIdElement()
                        .toUnqualifiedVersionless()
                        .getValue())
                .containsExactlyInAnyOrder("Observation/" + ownObservation, "Provenance/" + about);
        assertThat(revinclude.body()).doesNotContain(otherObservation);
    }

    @Test
    void aScopeUntickedOnTheConsentPageIsNotGranted() throws Exception {
        JsonNode token = launch(
                List.of("launch/patient", "patient/Patient.rs"),
                authorizationRequest("launch/patient patient/Patient.rs patient/Observation.rs"));

        assertThat(token.get("scope").asText().split(" ")).doesNotContain("patient/Observation.rs");
        String accessToken = token.get("access_token").asText();
        assertThat(asPatient(accessToken, "/Patient/" + ownPatient).statusCode())
                .isEqualTo(200);
        assertThat(asPatient(accessToken, "/Observation/" + ownObservation).statusCode())
                .isEqualTo(403);
    }

    @Test
    void aPatientCannotGrantUserScopesEvenByPostingThem() throws Exception {
        HttpResponse<String> page = consentPage(authorizationRequest("launch/patient patient/Patient.rs user/*.cruds"));
        assertThat(page.body()).doesNotContain("value=\"user/*.cruds\"");

        HttpResponse<String> callback =
                browser.consent(page, List.of("launch/patient", "patient/Patient.rs", "user/*.cruds"));
        HttpResponse<String> token =
                browser.exchange(clientId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(json.readTree(token.body()).get("scope").asText().split(" "))
                .containsExactlyInAnyOrder("launch/patient", "patient/Patient.rs");
    }

    @Test
    void aMissingAudienceIsAnErrorRedirect() {
        Map<String, String> authorization = authorizationRequest("launch/patient patient/Patient.rs");
        authorization.remove("aud");

        assertThat(query(browser.authorize(authorization))).containsEntry("error", "invalid_request");
    }

    @Test
    void withoutOfflineAccessAPublicAppGetsNoRefreshToken() throws Exception {
        JsonNode token = launch(
                List.of("launch/patient", "patient/Patient.rs"),
                authorizationRequest("launch/patient patient/Patient.rs offline_access"));

        assertThat(token.has("refresh_token")).isFalse();
    }

    @Test
    void theAuthorizationTablesHoldNoCodeOrTokenInPlainText() throws Exception {
        Map<String, String> authorization = authorizationRequest("openid fhirUser launch/patient patient/Patient.rs");
        HttpResponse<String> callback = browser.consent(
                consentPage(authorization), List.of("fhirUser", "launch/patient", "patient/Patient.rs"));
        String code = query(callback).get("code");
        JsonNode token = json.readTree(browser.exchange(clientId, REDIRECT_URI, code, browser.verifier())
                .body());

        String dump = jdbc.queryForList("SELECT * FROM oauth2_authorization").stream()
                .flatMap(row -> row.values().stream())
                .map(String::valueOf)
                .reduce("", String::concat);
        assertThat(dump)
                .contains(HashedTokenDigest.of(code))
                .doesNotContain(code)
                .doesNotContain(token.get("access_token").asText())
                .doesNotContain(token.get("id_token").asText());
    }

    /** The digest the store keeps, computed independently here. */
    private static final class HashedTokenDigest {
        static String of(String value) throws Exception {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        }
    }

    private HttpResponse<String> asPatient(String token, String path) {
        return send(anonymousRequest(path).header("Authorization", "Bearer " + token));
    }

    private HttpResponse<String> patch(String token, String path, String jsonPatch) {
        return send(anonymousRequest(path)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json-patch+json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(jsonPatch)));
    }

    private HttpResponse<String> put(String token, String pathAndQuery, Patient patient) {
        return send(anonymousRequest(pathAndQuery)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/fhir+json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                        fhirContext.newJsonParser().encodeResourceToString(patient))));
    }

    private String createProvenance(String... targets) {
        org.hl7.fhir.r4.model.Provenance provenance = new org.hl7.fhir.r4.model.Provenance();
        provenance.setRecorded(new java.util.Date());
        for (String target : targets) {
            provenance.addTarget(new Reference(target));
        }
        return client().create().resource(provenance).execute().getId().getIdPart();
    }

    private String createPatient(String family) {
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        return client().create().resource(patient).execute().getId().getIdPart();
    }

    private String createObservation(String patientId) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("launch-test");
        observation.setSubject(new Reference("Patient/" + patientId));
        return client().create().resource(observation).execute().getId().getIdPart();
    }
}
