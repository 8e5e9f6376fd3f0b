package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The EHR simulator at the HTTP level: a clinician finds a patient by name or NHS number, launches a
 * registered app and is sent to its launch URL with {@code iss} and a {@code launch} that the app's
 * authorization resolves to that patient and encounter; nobody else may use it, and bad choices are
 * answered with the page and a 400.
 */
class EhrSimulatorIT extends FhirServerTestBase {

    private static final String PASSWORD = "ehr simulator passphrase";
    private static final String REDIRECT_URI = "http://127.0.0.1:7794/callback";
    private static final String LAUNCH_URL = "http://127.0.0.1:7794/launch";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    AuditTrail trail;

    private String family;
    private String nhsNumber;
    private String patient;
    private String encounter;
    private String otherEncounter;
    private String otherFamily;
    private String otherPatient;
    private String clinician;
    private String clientId;

    @BeforeEach
    void patientClinicianAndApp() {
        family = "Simulated" + UUID.randomUUID().toString().substring(0, 6);
        nhsNumber = "999" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
        Patient chosen = new Patient();
        chosen.addName().setFamily(family).addGiven("Sam");
        chosen.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue(nhsNumber);
        chosen.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1961-04-12"));
        patient = create(chosen);
        String practitioner = create(new Practitioner().addName(new HumanName().setFamily("Simulator")));
        // The clinician saw this patient last month: a care relationship.
        encounter = create(encounter(patient)
                .addParticipant(new Encounter.EncounterParticipantComponent()
                        .setIndividual(new Reference("Practitioner/" + practitioner))));
        otherFamily = "Other" + UUID.randomUUID().toString().substring(0, 6).replaceAll("[0-9-]", "o");
        otherPatient = create(new Patient().addName(new HumanName().setFamily(otherFamily)));
        otherEncounter = create(encounter(otherPatient));
        clinician = "sim-clinician-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(clinician, PASSWORD, PortalRole.PRACTITIONER, "Practitioner/" + practitioner, "Dr Sim");
        clientId = "sim-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                clientId,
                "Simulated app " + clientId,
                REDIRECT_URI,
                LAUNCH_URL,
                Set.of("launch", "openid", "fhirUser", "patient/Patient.rs", "patient/Encounter.rs"));
    }

    @Test
    void aClinicianFindsThePatientLaunchesTheAppAndTheLaunchCarriesThePatientAndEncounter() throws Exception {
        AuthorizationCodeFlow browser = signedIn(clinician);

        HttpResponse<String> byName = browser.open(simulator("?q=" + family));
        assertThat(byName.statusCode()).isEqualTo(200);
        assertThat(byName.body())
                .contains("Sam " + family + ", born 1961-04-12, NHS number " + spaced(nhsNumber))
                .contains("href=\"/ehr-simulator?patient=" + patient + "\"");
        HttpResponse<String> byNhsNumber = browser.open(simulator("?q=" + encode(spaced(nhsNumber))));
        assertThat(byNhsNumber.body()).contains("href=\"/ehr-simulator?patient=" + patient + "\"");

        HttpResponse<String> chosen = browser.open(simulator("?patient=" + patient));
        assertThat(chosen.body())
                .contains("value=\"" + encounter + "\"")
                .doesNotContain("value=\"" + otherEncounter + "\"")
                .contains("value=\"" + clientId + "\"");

        HttpResponse<String> launched = browser.submit(
                chosen,
                "/ehr-simulator/launch",
                Map.of("patient", List.of(patient), "encounter", List.of(encounter), "app", List.of(clientId)));
        assertThat(launched.statusCode()).isEqualTo(302);
        String location = location(launched);
        assertThat(location).startsWith(LAUNCH_URL + "?iss=" + encode(fhirBase()) + "&launch=");
        String launch = query(launched).get("launch");

        Map<String, String> authorization = browser.authorizationRequest(
                clientId, REDIRECT_URI, "launch openid fhirUser patient/Patient.rs", "st-sim", fhirBase());
        authorization.put("launch", launch);
        HttpResponse<String> callback = browser.consent(
                browser.follow(browser.authorize(authorization)), List.of("launch", "patient/Patient.rs"));
        HttpResponse<String> tokenResponse =
                browser.exchange(clientId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
        JsonNode token = json.readTree(tokenResponse.body());
        assertThat(token.get("patient").asText()).isEqualTo(patient);
        assertThat(token.get("encounter").asText()).isEqualTo(encounter);
    }

    @Test
    void patientsReceptionistsAndAdministratorsAreRefusedWithA403Page() {
        for (PortalRole role : List.of(PortalRole.PATIENT, PortalRole.RECEPTIONIST, PortalRole.ADMINISTRATOR)) {
            String username = "sim-" + role.name().toLowerCase() + "-"
                    + UUID.randomUUID().toString().substring(0, 6);
            String fhirUser = role == PortalRole.PATIENT ? "Patient/" + patient : "Practitioner/" + practitioner();
            users.save(username, PASSWORD, role, fhirUser, "Not a clinician");
            AuthorizationCodeFlow browser = signedIn(username);

            HttpResponse<String> page = browser.open(simulator("?q=" + family));
            assertThat(page.statusCode()).as(role.name()).isEqualTo(403);
            assertThat(page.body())
                    .contains("Only clinicians can use this page")
                    .doesNotContain(family);
            HttpResponse<String> launch = browser.submit(
                    browser.open("http://localhost:" + port + "/login"),
                    "/ehr-simulator/launch",
                    Map.of("patient", List.of(patient), "app", List.of(clientId)));
            assertThat(launch.statusCode()).as(role.name()).isEqualTo(403);
        }
    }

    @Test
    void someoneNotSignedInIsSentToSignIn() {
        HttpResponse<String> page = new AuthorizationCodeFlow("http://localhost:" + port).open(simulator(""));

        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(location(page)).endsWith("/login");
    }

    @Test
    void anotherPatientsEncounterOrAnUnknownAppIsA400WithTheReason() {
        AuthorizationCodeFlow browser = signedIn(clinician);
        HttpResponse<String> chosen = browser.open(simulator("?patient=" + patient));

        HttpResponse<String> wrongEncounter = browser.submit(
                chosen,
                "/ehr-simulator/launch",
                Map.of("patient", List.of(patient), "encounter", List.of(otherEncounter), "app", List.of(clientId)));
        assertThat(wrongEncounter.statusCode()).isEqualTo(400);
        assertThat(wrongEncounter.body())
                .contains("Choose an encounter from this patient&#39;s list, or no encounter.");

        HttpResponse<String> unknownApp = browser.submit(
                chosen, "/ehr-simulator/launch", Map.of("patient", List.of(patient), "app", List.of("no-such-app")));
        assertThat(unknownApp.statusCode()).isEqualTo(400);
        assertThat(unknownApp.body()).contains("Choose an app to launch.");
    }

    @Test
    void aPatientOutsideTheCliniciansCareIsNeitherListedNorLaunchedWithoutABreakGlassReasonWhichIsAudited() {
        AuthorizationCodeFlow browser = signedIn(clinician);

        HttpResponse<String> notListed = browser.open(simulator("?q=" + otherFamily));
        assertThat(notListed.body())
                .contains("No patients match that name or NHS number.")
                .doesNotContain("patient=" + otherPatient);
        assertThat(browser.open(simulator("?patient=" + otherPatient)).body()).doesNotContain("Launch an app for");
        HttpResponse<String> tooShort = browser.open(simulator("?q=" + otherFamily + "&reason=urgent"));
        assertThat(tooShort.body()).contains("needs at least 8 characters").doesNotContain("patient=" + otherPatient);
        HttpResponse<String> refused = browser.submit(
                browser.open(simulator("?patient=" + patient)),
                "/ehr-simulator/launch",
                Map.of("patient", List.of(otherPatient), "app", List.of(clientId)));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("This patient is not one of yours.");

        String reason = "Unconscious in A&E, GP record needed";
        HttpResponse<String> listed = browser.open(simulator("?q=" + otherFamily + "&reason=" + encode(reason)));
        assertThat(listed.body()).contains("patient=" + otherPatient);
        HttpResponse<String> chosen = browser.open(simulator("?patient=" + otherPatient + "&reason=" + encode(reason)));
        assertThat(chosen.body()).contains("Launch an app for");
        HttpResponse<String> launched = browser.submit(
                chosen,
                "/ehr-simulator/launch",
                Map.of("patient", List.of(otherPatient), "app", List.of(clientId), "reason", List.of(reason)));
        assertThat(launched.statusCode()).isEqualTo(302);

        trail.flush();
        List<AuditEvent> breakGlass = auditEvents(clinician, "break-glass");
        assertThat(breakGlass).singleElement().satisfies(event -> {
            assertThat(event.getPurposeOfEventFirstRep().getText()).isEqualTo(reason);
            assertThat(event.getEntityFirstRep().getWhat().getReferenceElement().getIdPart())
                    .isEqualTo(otherPatient);
        });
    }

    private AuthorizationCodeFlow signedIn(String username) {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        HttpResponse<String> signedIn = browser.signIn(username, PASSWORD);
        assertThat(location(signedIn)).doesNotContain("error");
        return browser;
    }

    private String simulator(String query) {
        return "http://localhost:" + port + "/ehr-simulator" + query;
    }

    private String practitioner() {
        return create(new Practitioner().addName(new HumanName().setFamily("Staff")));
    }

    private static Encounter encounter(String patientId) {
        Encounter visit = new Encounter();
        visit.setStatus(Encounter.EncounterStatus.FINISHED);
        visit.getClass_().setCode("AMB").setDisplay("ambulatory");
        visit.addType().setText("GP consultation");
        visit.getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2026-10-01T09:30:00Z"));
        visit.setSubject(new Reference("Patient/" + patientId));
        return visit;
    }

    private static String spaced(String number) {
        return number.substring(0, 3) + " " + number.substring(3, 6) + " " + number.substring(6);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String create(org.hl7.fhir.r4.model.Resource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }
}
