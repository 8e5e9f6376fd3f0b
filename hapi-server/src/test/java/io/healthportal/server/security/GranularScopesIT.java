package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Granular SMART 2.2 scopes ({@code ?category=}) through the real flow: the consent page offers a broad
 * Observation or Condition scope's categories beneath it, the person ticks only some, the token holds
 * exactly those, and {@code /fhir} shows that patient's resources in those categories only: reads of
 * others answer 404, searches, includes and {@code $everything} leave them out.
 */
class GranularScopesIT extends FhirServerTestBase {

    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
    static final String LAB_SCOPE = "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|laboratory";
    static final String VITALS_SCOPE = "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|vital-signs";
    static final String PROBLEMS_SCOPE = "patient/Condition.rs?category=" + CONDITION_CATEGORY + "|problem-list-item";
    private static final String REDIRECT_URI = "http://127.0.0.1:7793/callback";
    private static final String PASSWORD = "granular scopes passphrase";
    private static final String ASKED =
            "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs patient/Condition.rs";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    private String patient;
    private String lab;
    private String vitals;
    private String problem;
    private String diagnosis;
    private String username;
    private String clientId;

    @BeforeEach
    void patientWithResultsOfEachCategory() {
        patient = create(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Granular")));
        lab = create(observation(patient, "laboratory"));
        vitals = create(observation(patient, "vital-signs"));
        problem = create(condition(patient, "problem-list-item"));
        diagnosis = create(condition(patient, "encounter-diagnosis"));
        username = "granular-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + patient, "Gina Granular");
        clientId = "granular-app-" + UUID.randomUUID();
        registrations.registerPublicApp(clientId, "Results app", REDIRECT_URI, Set.of(ASKED.split(" ")));
    }

    @Test
    void theSmartConfigurationAdvertisesTheCategoryScopes() throws Exception {
        HttpResponse<String> discovery = send(anonymousRequest("/.well-known/smart-configuration"));
        JsonNode scopes = json.readTree(discovery.body()).get("scopes_supported");

        assertThat(scopes).extracting(JsonNode::asText).contains(LAB_SCOPE, VITALS_SCOPE, PROBLEMS_SCOPE);
    }

    @Test
    void theConsentPageOffersTheCategoriesOfABroadScopeUntickedBeneathIt() {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        String consentPage = consentPage(browser).body();

        assertThat(consentPage)
                .contains("value=\"patient/Observation.rs\" checked")
                .contains("value=\"" + LAB_SCOPE + "\">")
                .contains("value=\"" + VITALS_SCOPE + "\">")
                .contains("value=\"" + PROBLEMS_SCOPE + "\">")
                .contains("Only laboratory test results")
                .contains("Or share only some of them");
    }

    @Test
    void aTokenGrantedOnlyLaboratoryResultsAndTheProblemListReachesThoseOnly() throws Exception {
        String accessToken = grant(List.of("launch/patient", "patient/Patient.rs", LAB_SCOPE, PROBLEMS_SCOPE));

        assertThat(status(accessToken, "/Observation/" + lab)).isEqualTo(200);
        assertThat(status(accessToken, "/Observation/" + vitals))
                .as("outside the granted categories: hidden as if absent")
                .isEqualTo(404);
        assertThat(status(accessToken, "/Condition/" + problem)).isEqualTo(200);
        assertThat(status(accessToken, "/Condition/" + diagnosis)).isEqualTo(404);

        assertThat(ids(accessToken, "/Observation")).containsExactly("Observation/" + lab);
        assertThat(ids(accessToken, "/Observation?category=" + OBSERVATION_CATEGORY + "%7Cvital-signs"))
                .as("narrowed, not failed")
                .isEmpty();
        assertThat(ids(accessToken, "/Condition?patient=" + patient)).containsExactly("Condition/" + problem);
        assertThat(ids(accessToken, "/Patient?_id=" + patient + "&_revinclude=Observation:subject"))
                .containsExactlyInAnyOrder("Patient/" + patient, "Observation/" + lab);
        assertThat(ids(accessToken, "/Patient/" + patient + "/$everything"))
                .contains("Patient/" + patient, "Observation/" + lab, "Condition/" + problem)
                .doesNotContain("Observation/" + vitals, "Condition/" + diagnosis);

        HttpResponse<String> write = send(anonymousRequest("/Observation")
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        fhirContext.newJsonParser().encodeResourceToString(observation(patient, "laboratory")))));
        assertThat(write.statusCode()).as("category scopes only read").isEqualTo(403);
    }

    @Test
    void theBroadScopeStillReachesEveryCategory() throws Exception {
        String accessToken = grant(List.of("launch/patient", "patient/Observation.rs"));

        assertThat(status(accessToken, "/Observation/" + vitals)).isEqualTo(200);
        assertThat(ids(accessToken, "/Observation"))
                .containsExactlyInAnyOrder("Observation/" + lab, "Observation/" + vitals);
    }

    private HttpResponse<String> consentPage(AuthorizationCodeFlow browser) {
        browser.authorize(browser.authorizationRequest(clientId, REDIRECT_URI, ASKED, "st-granular", fhirBase()));
        return browser.follow(browser.follow(browser.signIn(username, PASSWORD)));
    }

    /** Signs in, ticks exactly {@code ticked} and returns the access token, checking its scope. */
    private String grant(List<String> ticked) throws Exception {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        HttpResponse<String> callback = browser.consent(consentPage(browser), ticked);
        HttpResponse<String> tokenResponse =
                browser.exchange(clientId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
        JsonNode token = json.readTree(tokenResponse.body());
        Set<String> expected = new java.util.HashSet<>(ticked);
        expected.add("openid");
        assertThat(Set.of(token.get("scope").asText().split(" "))).isEqualTo(expected);
        assertThat(token.get("patient").asText()).isEqualTo(patient);
        return token.get("access_token").asText();
    }

    private int status(String token, String path) {
        return send(anonymousRequest(path).header("Authorization", "Bearer " + token))
                .statusCode();
    }

    private List<String> ids(String token, String path) {
        HttpResponse<String> response = send(anonymousRequest(path).header("Authorization", "Bearer " + token));
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        Bundle bundle = fhirContext.newJsonParser().parseResource(Bundle.class, response.body());
        return bundle.getEntry().stream()
                .map(entry -> entry.getResource()
                        .getIdElement()
                        .toUnqualifiedVersionless()
                        .getValue())
                .toList();
    }

    static Observation observation(String patientId, String category) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.addCategory().addCoding().setSystem(OBSERVATION_CATEGORY).setCode(category);
        observation.getCode().setText(category + " result");
        observation.setSubject(new Reference("Patient/" + patientId));
        return observation;
    }

    static Condition condition(String patientId, String category) {
        Condition condition = new Condition();
        condition.addCategory().addCoding().setSystem(CONDITION_CATEGORY).setCode(category);
        condition.getCode().setText(category + " condition");
        condition.setSubject(new Reference("Patient/" + patientId));
        return condition;
    }

    private String create(org.hl7.fhir.r4.model.Resource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }
}
