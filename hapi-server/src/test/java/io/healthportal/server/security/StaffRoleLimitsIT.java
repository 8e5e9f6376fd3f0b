package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 3, item 14, for the two staff roles without clinical access: whatever scopes an app was
 * granted, a receptionist reaches only demographics and booking, and an administrator no patient data.
 * Each person signs in through the real authorization-code flow and grants {@code user/*.cruds}.
 */
class StaffRoleLimitsIT extends FhirServerTestBase {

    private static final String REDIRECT_URI = "http://127.0.0.1:7779/callback";
    private static final String PASSWORD = "staff role limits password";
    private static final String ASKED = "openid fhirUser user/*.cruds";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    private String clientId;
    private String practitionerId;
    private String patientId;
    private String observationId;
    private String slotId;
    private String scheduleId;
    private String appointmentWithReasonId;

    @BeforeEach
    void dataAndApp() {
        Patient patient = new Patient();
        patient.addName().setFamily("Reception-test");
        patientId = create(patient);
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("role limit test");
        observation.setSubject(new Reference("Patient/" + patientId));
        observationId = create(observation);
        Condition condition = new Condition();
        condition.getCode().setText("role limit test");
        condition.setSubject(new Reference("Patient/" + patientId));
        String conditionId = create(condition);
        Practitioner practitioner = new Practitioner();
        practitioner.addName().setFamily("Front-desk");
        practitionerId = create(practitioner);
        Schedule schedule = new Schedule();
        schedule.addActor(new Reference("Practitioner/" + practitionerId));
        scheduleId = create(schedule);
        Slot slot = new Slot();
        slot.setSchedule(new Reference("Schedule/" + scheduleId));
        slot.setStatus(Slot.SlotStatus.FREE);
        slot.setStart(new Date(System.currentTimeMillis() + 86_400_000L));
        slot.setEnd(new Date(System.currentTimeMillis() + 86_400_000L + 900_000L));
        slotId = create(slot);
        Appointment withReason = appointment();
        withReason.addReasonReference(new Reference("Condition/" + conditionId));
        appointmentWithReasonId = create(withReason);

        clientId = "staff-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                clientId,
                "Front desk app",
                REDIRECT_URI,
                Set.of(
                        "openid",
                        "fhirUser",
                        "user/*.cruds",
                        "user/Observation.rs",
                        "user/Appointment.rs",
                        "patient/Patient.rs"));
    }

    @Test
    void aReceptionistReadsDemographicsAndBooksAppointmentsWithAUserStarCrudsToken() throws Exception {
        JsonNode token = signInAndGrant(PortalRole.RECEPTIONIST, List.of("fhirUser", "user/*.cruds"));
        String accessToken = token.get("access_token").asText();
        assertThat(token.get("scope").asText().split(" ")).contains("user/*.cruds");
        assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getStringClaim("portal_role"))
                .isEqualTo("receptionist");

        assertThat(as(accessToken, get("/Patient/" + patientId)).statusCode()).isEqualTo(200);
        assertThat(as(accessToken, get("/Patient?family=Reception-test")).statusCode())
                .isEqualTo(200);
        assertThat(as(accessToken, get("/Slot/" + slotId)).statusCode()).isEqualTo(200);
        assertThat(as(accessToken, get("/Slot?schedule=Schedule/" + scheduleId)).statusCode())
                .isEqualTo(200);
        HttpResponse<String> booked = as(
                accessToken, post("/Appointment", fhirContext.newJsonParser().encodeResourceToString(appointment())));
        assertThat(booked.statusCode()).as(booked.body()).isEqualTo(201);
        String appointmentId = new org.hl7.fhir.r4.model.IdType(location(booked)).getIdPart();
        assertThat(as(accessToken, get("/Appointment/" + appointmentId)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aReceptionistIsRefusedClinicalTypesWhateverTheScopesGranted() throws Exception {
        String accessToken = signInAndGrant(PortalRole.RECEPTIONIST, List.of("fhirUser", "user/*.cruds"))
                .get("access_token")
                .asText();

        assertForbidden(as(accessToken, get("/Observation/" + observationId)));
        assertForbidden(as(accessToken, get("/Observation?subject=Patient/" + patientId)));
        assertForbidden(as(accessToken, get("/Encounter")));
        assertForbidden(as(
                accessToken,
                post(
                        "/Encounter",
                        "{\"resourceType\":\"Encounter\",\"status\":\"planned\","
                                + "\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/" + patientId
                                + "\"}}")));
        assertForbidden(as(accessToken, get("/Patient/" + patientId + "/$everything")));
        // HAPI offers no system-wide search here (400); either way nothing clinical comes back.
        HttpResponse<String> systemSearch = as(accessToken, get("?_type=Observation"));
        assertThat(systemSearch.statusCode()).isIn(400, 403);
        assertThat(systemSearch.body()).doesNotContain(observationId);
        String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
        assertForbidden(as(accessToken, post("", transaction)));
    }

    @Test
    void aReceptionistsIncludesAndRevincludesOfClinicalTypesAreRefusedWithoutLeakingThem() throws Exception {
        String accessToken = signInAndGrant(PortalRole.RECEPTIONIST, List.of("fhirUser", "user/*.cruds"))
                .get("access_token")
                .asText();

        // Refused up front (403), whether or not the patient has observations.
        HttpResponse<String> revinclude =
                as(accessToken, get("/Patient?_id=" + patientId + "&_revinclude=Observation:subject"));
        assertForbidden(revinclude);
        assertThat(revinclude.body()).doesNotContain(observationId);
        assertForbidden(as(accessToken, get("/Patient?_has:Observation:subject:code:text=role")));
        // The included Condition is found only once resolved; HAPI's check of the outgoing bundle refuses it.
        HttpResponse<String> include = as(
                accessToken,
                get("/Appointment?_id=" + appointmentWithReasonId + "&_include=Appointment:reason-reference"));
        assertForbidden(include);
        assertThat(include.body()).doesNotContain("\"Condition\"");
    }

    @Test
    void aReceptionistsChainIntoAClinicalTypeIsRefusedWhetherOrNotItMatches() throws Exception {
        String accessToken = signInAndGrant(PortalRole.RECEPTIONIST, List.of("fhirUser", "user/*.cruds"))
                .get("access_token")
                .asText();

        assertForbidden(as(accessToken, get("/Appointment?reason-reference:Condition.code:text=role")));
        assertForbidden(as(accessToken, get("/Appointment?reason-reference:Condition.code:text=no-such-condition")));
        assertForbidden(as(accessToken, get("/Appointment?reason-reference.code:text=role")));
        assertForbidden(as(accessToken, get("/Patient?general-practitioner:Practitioner.family=Front-desk")));
        // A chain into a type of the role's is the receptionist's own business.
        HttpResponse<String> own = as(
                accessToken,
                get("/Appointment?_id=" + appointmentWithReasonId + "&actor:Patient.family=Reception-test"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).contains(appointmentWithReasonId);
    }

    @Test
    void neitherAReceptionistNorAnAdministratorExportsInBulk() throws Exception {
        for (PortalRole role : List.of(PortalRole.RECEPTIONIST, PortalRole.ADMINISTRATOR)) {
            String accessToken = signInAndGrant(role, List.of("fhirUser", "user/*.cruds"))
                    .get("access_token")
                    .asText();
            for (String export :
                    List.of("/$export", "/Patient/$export", "/Patient/$export?_type=Patient,Appointment")) {
                assertForbidden(as(accessToken, get(export).header("Prefer", "respond-async")));
            }
        }
    }

    @Test
    void anAdministratorsChainIntoPatientDataIsRefused() throws Exception {
        String accessToken = signInAndGrant(PortalRole.ADMINISTRATOR, List.of("fhirUser", "user/*.cruds"))
                .get("access_token")
                .asText();

        assertForbidden(as(accessToken, get("/AuditEvent?patient:Patient.family=Reception-test")));
        assertForbidden(as(accessToken, get("/AuditEvent?entity.family=Reception-test")));
    }

    @Test
    void aReceptionistIsNotOfferedClinicalScopesOnTheConsentPage() {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        String username = newUser(PortalRole.RECEPTIONIST);
        HttpResponse<String> page =
                consentPage(browser, username, ASKED + " user/Observation.rs user/Appointment.rs patient/Patient.rs");

        assertThat(page.body())
                .contains("value=\"user/*.cruds\"")
                .contains("value=\"user/Appointment.rs\"")
                .doesNotContain("value=\"user/Observation.rs\"")
                .doesNotContain("value=\"patient/Patient.rs\"");
    }

    @Test
    void anAdministratorReadsNoPatientDataWhateverTheScopesGranted() throws Exception {
        JsonNode token = signInAndGrant(PortalRole.ADMINISTRATOR, List.of("fhirUser", "user/*.cruds"));
        String accessToken = token.get("access_token").asText();
        assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getStringClaim("portal_role"))
                .isEqualTo("administrator");

        assertForbidden(as(accessToken, get("/Patient/" + patientId)));
        assertForbidden(as(accessToken, get("/Patient?family=Reception-test")));
        assertForbidden(as(accessToken, get("/Observation/" + observationId)));
        assertForbidden(as(accessToken, get("/Appointment/" + appointmentWithReasonId)));
        assertForbidden(as(accessToken, post("/Patient", "{\"resourceType\":\"Patient\"}")));
        assertForbidden(as(accessToken, post("/AuditEvent", "{\"resourceType\":\"AuditEvent\"}")));
        HttpResponse<String> audit = as(accessToken, get("/AuditEvent?_count=1"));
        assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
    }

    private JsonNode signInAndGrant(PortalRole role, List<String> granted) throws Exception {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        String username = newUser(role);
        HttpResponse<String> page = consentPage(browser, username, ASKED);
        HttpResponse<String> callback = browser.consent(page, granted);
        assertThat(location(callback)).startsWith(REDIRECT_URI + "?");
        HttpResponse<String> token =
                browser.exchange(clientId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return json.readTree(token.body());
    }

    private String newUser(PortalRole role) {
        String username = role.claimValue() + "-" + UUID.randomUUID();
        users.save(username, PASSWORD, role, "Practitioner/" + practitionerId, "Staff " + role);
        return username;
    }

    /** Authorize → sign in → consent page. */
    private HttpResponse<String> consentPage(AuthorizationCodeFlow browser, String username, String scope) {
        Map<String, String> authorization =
                browser.authorizationRequest(clientId, REDIRECT_URI, scope, "state-" + UUID.randomUUID(), fhirBase());
        assertThat(location(browser.authorize(authorization))).endsWith("/login");
        HttpResponse<String> toConsent = browser.follow(browser.signIn(username, PASSWORD));
        assertThat(location(toConsent)).contains("/oauth2/consent");
        HttpResponse<String> page = browser.follow(toConsent);
        assertThat(page.statusCode()).isEqualTo(200);
        return page;
    }

    private Appointment appointment() {
        Appointment appointment = new Appointment();
        appointment.setStatus(Appointment.AppointmentStatus.BOOKED);
        appointment.addSlot(new Reference("Slot/" + slotId));
        appointment.setStart(new Date(System.currentTimeMillis() + 86_400_000L));
        appointment.setEnd(new Date(System.currentTimeMillis() + 86_400_000L + 900_000L));
        appointment
                .addParticipant()
                .setActor(new Reference("Patient/" + patientId))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        appointment
                .addParticipant()
                .setActor(new Reference("Practitioner/" + practitionerId))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        return appointment;
    }

    private String create(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }

    private HttpResponse<String> as(String token, HttpRequest.Builder request) {
        return send(request.header("Authorization", "Bearer " + token));
    }

    private HttpRequest.Builder get(String path) {
        return anonymousRequest(path).header("Accept", "application/fhir+json");
    }

    private HttpRequest.Builder post(String path, String body) {
        return anonymousRequest(path)
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private void assertForbidden(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    }
}
