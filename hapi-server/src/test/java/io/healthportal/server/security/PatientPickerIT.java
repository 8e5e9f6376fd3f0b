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
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The clinician's patient picker at the HTTP level: the code reaches the app only after a patient is
 * chosen, and becomes a token for that patient; cancelling sends {@code access_denied}; a patient never
 * sees the picker; the page refuses anyone with no app waiting.
 */
class PatientPickerIT extends FhirServerTestBase {

    private static final String PASSWORD = "patient picker passphrase";
    private static final String REDIRECT_URI = "http://127.0.0.1:7795/callback";
    private static final String ASKED = "openid fhirUser launch/patient patient/Patient.rs";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    private String family;
    private String patient;
    private String clinician;
    private String clientId;

    @BeforeEach
    void patientClinicianAndApp() {
        family = "Picked" + UUID.randomUUID().toString().substring(0, 6).replaceAll("[0-9-]", "q");
        patient = create(new Patient().addName(new HumanName().setFamily(family).addGiven("Pat")));
        String practitioner = create(new Practitioner().addName(new HumanName().setFamily("Picker")));
        // A booked appointment with this patient: the clinician may choose them.
        Appointment booked = new Appointment().setStatus(Appointment.AppointmentStatus.BOOKED);
        booked.addParticipant()
                .setActor(new Reference("Patient/" + patient))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        booked.addParticipant()
                .setActor(new Reference("Practitioner/" + practitioner))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        create(booked);
        clinician = "picker-clinician-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(clinician, PASSWORD, PortalRole.PRACTITIONER, "Practitioner/" + practitioner, "Dr Picker");
        clientId = "picker-app-" + UUID.randomUUID();
        registrations.registerPublicApp(clientId, "Picker app", REDIRECT_URI, Set.of(ASKED.split(" ")));
    }

    @Test
    void theAppGetsItsCodeOnlyOnceTheClinicianChoseAPatientAndTheTokenIsForThatPatient() throws Exception {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        HttpResponse<String> afterConsent = consent(browser, clinician, "st-pick");
        assertThat(location(afterConsent)).endsWith("/patient-picker").doesNotContain("code=");

        HttpResponse<String> results = browser.open("http://localhost:" + port + "/patient-picker?q=" + family);
        assertThat(results.statusCode()).isEqualTo(200);
        assertThat(results.body()).contains("Choose a patient for Picker app").contains("value=\"" + patient + "\"");
        HttpResponse<String> nothingChosen = browser.submit(results, "/patient-picker", Map.of("q", List.of(family)));
        assertThat(nothingChosen.statusCode()).isEqualTo(400);
        assertThat(nothingChosen.body()).contains("Choose a patient from the list.");

        HttpResponse<String> callback = browser.submit(results, "/patient-picker", Map.of("patient", List.of(patient)));
        assertThat(location(callback)).startsWith(REDIRECT_URI + "?code=");
        assertThat(query(callback)).containsEntry("state", "st-pick");
        HttpResponse<String> tokenResponse =
                browser.exchange(clientId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
        assertThat(json.readTree(tokenResponse.body()).get("patient").asText()).isEqualTo(patient);
    }

    @Test
    void aPatientWithoutACareRelationshipIsNotListedAndCannotBeChosenWithoutABreakGlassReason() {
        String stranger = create(new Patient().addName(new HumanName().setFamily(family + "z")));
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        consent(browser, clinician, "st-stranger");

        HttpResponse<String> results = browser.open("http://localhost:" + port + "/patient-picker?q=" + family);
        assertThat(results.body()).contains("value=\"" + patient + "\"").doesNotContain("value=\"" + stranger + "\"");
        HttpResponse<String> refused = browser.submit(results, "/patient-picker", Map.of("patient", List.of(stranger)));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("This patient is not one of yours.");

        String reason = "Collapsed at reception, needs allergy list";
        HttpResponse<String> withReason = browser.open("http://localhost:" + port + "/patient-picker?q=" + family
                + "&reason=" + java.net.URLEncoder.encode(reason, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(withReason.body()).contains("value=\"" + stranger + "\"");
        HttpResponse<String> chosen = browser.submit(
                withReason, "/patient-picker", Map.of("patient", List.of(stranger), "reason", List.of(reason)));
        assertThat(location(chosen)).startsWith(REDIRECT_URI + "?code=");
    }

    @Test
    void cancellingSendsAccessDeniedAndNoCode() {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        consent(browser, clinician, "st-cancel");
        HttpResponse<String> picker = browser.open("http://localhost:" + port + "/patient-picker");

        HttpResponse<String> cancelled = browser.submit(picker, "/patient-picker/cancel", Map.of());
        assertThat(query(cancelled))
                .containsEntry("error", "access_denied")
                .containsEntry("state", "st-cancel")
                .doesNotContainKey("code");
    }

    @Test
    void aPatientIsNeverShownThePickerAndNobodyCanOpenItWithoutAnAppWaiting() {
        String username = "picker-patient-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + patient, "Pat " + family);
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);

        assertThat(location(consent(browser, username, "st-patient"))).startsWith(REDIRECT_URI + "?code=");
        HttpResponse<String> direct = browser.open("http://localhost:" + port + "/patient-picker?q=" + family);
        assertThat(direct.statusCode()).isEqualTo(400);
        assertThat(direct.body()).contains("No app is waiting for a patient").doesNotContain(patient);
    }

    /** Authorize, sign in and grant everything asked; the response to the consent form. */
    private HttpResponse<String> consent(AuthorizationCodeFlow browser, String username, String state) {
        browser.authorize(browser.authorizationRequest(clientId, REDIRECT_URI, ASKED, state, fhirBase()));
        HttpResponse<String> consentPage = browser.follow(browser.follow(browser.signIn(username, PASSWORD)));
        return browser.consent(consentPage, List.of("fhirUser", "launch/patient", "patient/Patient.rs"));
    }

    private String create(org.hl7.fhir.r4.model.Resource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }
}
