package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The SMART EHR launch: an EHR system creates a launch context through the launch API, only for the
 * patients of its Group, and the app's {@code launch} scope resolves it once. The launch's context in the
 * token and what the token reaches are in {@link SmartAcceptanceIT}.
 */
class EhrLaunchIT extends FhirServerTestBase {

    private static final String REDIRECT_URI = "http://127.0.0.1:7782/callback";
    private static final String PASSWORD = "clinician demo passphrase";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    private BackendServicesTestClient ehr;
    private String patient;
    private String otherPatient;
    private String encounter;
    private String clinician;
    private String clientId;
    private AuthorizationCodeFlow browser;

    @BeforeEach
    void ehrClinicianAndApp() {
        patient = create(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("InContext")));
        otherPatient = create(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("NotInContext")));
        Encounter visit = new Encounter();
        visit.setStatus(Encounter.EncounterStatus.INPROGRESS);
        visit.getClass_().setCode("AMB");
        visit.setSubject(new Reference("Patient/" + patient));
        encounter = create(visit);
        String practitioner =
                create(new Practitioner().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Doctor")));
        clinician = "clinician-" + UUID.randomUUID();
        users.save(clinician, PASSWORD, PortalRole.PRACTITIONER, "Practitioner/" + practitioner, "Dr Doctor");
        Group registered = new Group();
        registered.setType(Group.GroupType.PERSON).setActual(true);
        registered.addMember().setEntity(new Reference("Patient/" + patient));
        ehr = BackendServicesTestClient.registerEhrSystem(
                registrations,
                "http://localhost:" + port + "/oauth2/token",
                Set.of("system/Patient.rs"),
                create(registered));
        clientId = "ehr-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                clientId,
                "Clinical app",
                REDIRECT_URI,
                Set.of("launch", "openid", "fhirUser", "patient/Patient.rs", "patient/Encounter.rs"));
        browser = new AuthorizationCodeFlow("http://localhost:" + port);
    }

    private HttpResponse<String> createLaunch(String token, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/launch-contexts"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private String launchValue() throws Exception {
        HttpResponse<String> created = createLaunch(
                ehr.accessToken(), "{\"patient\":\"" + patient + "\",\"encounter\":\"" + encounter + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).get("launch").asText();
    }

    private Map<String, String> authorization(String launch) {
        Map<String, String> request = browser.authorizationRequest(
                clientId,
                REDIRECT_URI,
                "launch openid fhirUser patient/Patient.rs patient/Encounter.rs",
                "st-" + UUID.randomUUID(),
                fhirBase());
        if (launch != null) {
            request.put("launch", launch);
        }
        return request;
    }

    private HttpResponse<String> codeFor(Map<String, String> authorization) {
        HttpResponse<String> toLogin = browser.authorize(authorization);
        assertThat(location(toLogin)).endsWith("/login");
        HttpResponse<String> consentPage = browser.follow(browser.follow(browser.signIn(clinician, PASSWORD)));
        return browser.consent(
                consentPage, List.of("launch", "fhirUser", "patient/Patient.rs", "patient/Encounter.rs"));
    }

    @Test
    void aLaunchValueIsUsedUpByTheFirstTokenIssuedForIt() throws Exception {
        String launch = launchValue();
        HttpResponse<String> first = codeFor(authorization(launch));
        assertThat(browser.exchange(clientId, REDIRECT_URI, query(first).get("code"), browser.verifier())
                        .statusCode())
                .isEqualTo(200);

        AuthorizationCodeFlow again = new AuthorizationCodeFlow("http://localhost:" + port);
        Map<String, String> second =
                again.authorizationRequest(clientId, REDIRECT_URI, "launch patient/Patient.rs", "st-2", fhirBase());
        second.put("launch", launch);
        assertThat(query(again.authorize(second))).containsEntry("error", "invalid_request");
    }

    @Test
    void anEhrSystemCreatesLaunchesForThePatientsOfItsGroupOnly() {
        HttpResponse<String> refused = createLaunch(ehr.accessToken(), "{\"patient\":\"" + otherPatient + "\"}");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("registered Group");
    }

    @Test
    void onlyAnEhrSystemMayCreateLaunches() {
        BackendServicesTestClient notAnEhr = BackendServicesTestClient.register(
                registrations, "http://localhost:" + port + "/oauth2/token", Set.of("system/Patient.rs"));

        assertThat(createLaunch(notAnEhr.accessToken(), "{\"patient\":\"" + patient + "\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/launch-contexts"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"patient\":\"" + patient + "\"}")))
                        .statusCode())
                .isEqualTo(401);
    }

    private String create(org.hl7.fhir.r4.model.Resource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }
}
