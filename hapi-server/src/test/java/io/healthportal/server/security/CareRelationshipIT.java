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
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 3, item 14, for clinicians: with {@code user/} scopes a clinician reaches the patients they have
 * a care relationship with (a booked, arrived or fulfilled Appointment, an Encounter within 12 months)
 * and the EHR launch's patient; any other patient only by breaking the glass with a typed reason, which
 * leaves a break-glass AuditEvent. Each test writes its own practitioner, patients and relationships.
 */
class CareRelationshipIT extends FhirServerTestBase {

    private static final String REDIRECT_URI = "http://127.0.0.1:7797/callback";
    private static final String PASSWORD = "care relationship passphrase";
    private static final String CODE_SYSTEM = "urn:healthportal:test:care";
    private static final String BREAK_GLASS = CareRelationshipInterceptor.HEADER;

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    AuditTrail trail;

    private String family;
    private String code;
    private String practitioner;
    private String clinician;
    private String clientId;
    private String booked;
    private String recentEncounter;
    private String oldEncounter;
    private String fulfilled;
    private String cancelled;
    private String observationOfBooked;
    private String observationOfOld;

    @BeforeEach
    void clinicianWithThreeKindsOfPatient() {
        family = "Care" + UUID.randomUUID().toString().substring(0, 8);
        code = UUID.randomUUID().toString();
        practitioner = create(new Practitioner().addName(new HumanName().setFamily("Carer")));
        booked = create(patient());
        recentEncounter = create(patient());
        oldEncounter = create(patient());
        fulfilled = create(patient());
        cancelled = create(patient());
        create(appointment(booked, Appointment.AppointmentStatus.BOOKED));
        create(appointment(fulfilled, Appointment.AppointmentStatus.FULFILLED));
        create(appointment(cancelled, Appointment.AppointmentStatus.CANCELLED));
        create(encounter(recentEncounter, ZonedDateTime.now(ZoneOffset.UTC).minusMonths(3)));
        create(encounter(oldEncounter, ZonedDateTime.now(ZoneOffset.UTC).minusMonths(13)));
        observationOfBooked = create(observation(booked));
        observationOfOld = create(observation(oldEncounter));
        clinician = "care-clinician-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(clinician, PASSWORD, PortalRole.PRACTITIONER, "Practitioner/" + practitioner, "Dr Carer");
        clientId = "care-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                clientId, "Clinical app", REDIRECT_URI, Set.of("launch", "openid", "fhirUser", "user/*.cruds"));
    }

    @Test
    void aClinicianReachesPatientsWithABookedAppointmentOrARecentEncounter() throws Exception {
        String token = clinicianToken(null);

        assertThat(status(token, "/Patient/" + booked)).isEqualTo(200);
        assertThat(status(token, "/Observation/" + observationOfBooked)).isEqualTo(200);
        assertThat(status(token, "/Patient/" + recentEncounter)).isEqualTo(200);
        assertThat(status(token, "/Patient/" + fulfilled)).isEqualTo(200);
        assertThat(status(token, "/Patient/" + booked + "/$everything")).isEqualTo(200);
        assertThat(status(token, "/Practitioner/" + practitioner))
                .as("outside every patient compartment: readable")
                .isEqualTo(200);
    }

    @Test
    void aPatientSeenOnlyThirteenMonthsAgoIsRefusedWithBreakGlassNamedAsTheWay() throws Exception {
        String token = clinicianToken(null);

        HttpResponse<String> read = as(token, get("/Patient/" + oldEncounter));
        assertRefused(read);
        assertThat(read.body()).contains(BREAK_GLASS);
        assertRefused(as(token, get("/Observation/" + observationOfOld)));
        assertRefused(as(token, get("/Patient/" + cancelled)));
        assertRefused(as(token, get("/Observation?patient=" + oldEncounter)));
        assertRefused(as(token, get("/Patient/" + oldEncounter + "/$everything")));
        assertRefused(as(token, get("/Patient/$export?_type=Patient").header("Prefer", "respond-async")));
        assertRefused(as(token, get("/Practitioner?_id=" + practitioner + "&_revinclude=Encounter:participant")));
        assertRefused(as(
                token,
                post("/Observation", fhirContext.newJsonParser().encodeResourceToString(observation(oldEncounter)))));
        // HAPI's search narrowing turns a batch's read into a search of the patients within the limit.
        HttpResponse<String> batchRead = as(token, post("", batch("Patient/" + oldEncounter)));
        assertThat(batchRead.statusCode()).as(batchRead.body()).isEqualTo(200);
        assertThat(batchRead.body()).doesNotContain("Patient/" + oldEncounter + "\"");
        HttpResponse<String> search = as(token, post("", batch("Observation?patient=" + oldEncounter)));
        assertThat(search.statusCode()).as(search.body()).isIn(200, 403);
        assertThat(search.body()).doesNotContain("Observation/" + observationOfOld);
    }

    private static String batch(String url) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":"
                + "{\"method\":\"GET\",\"url\":\"" + url + "\"}}]}";
    }

    @Test
    void searchesAcrossPatientsAreNarrowedToTheCareRelationships() throws Exception {
        String token = clinicianToken(null);

        assertThat(ids(token, "/Observation?code=" + CODE_SYSTEM + "%7C" + code))
                .containsExactly("Observation/" + observationOfBooked);
        assertThat(ids(token, "/Patient?family=" + family))
                .containsExactlyInAnyOrder("Patient/" + booked, "Patient/" + recentEncounter, "Patient/" + fulfilled);
    }

    @Test
    void breakingTheGlassWithAReasonOpensTheRecordAndIsAuditedOnce() throws Exception {
        String token = clinicianToken(null);
        String reason = "Unconscious in A&E, no GP record " + UUID.randomUUID();

        HttpResponse<String> read = as(token, get("/Patient/" + oldEncounter).header(BREAK_GLASS, reason));

        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        List<AuditEvent> breakGlass = storedBreakGlassEventsAbout(oldEncounter);
        assertThat(breakGlass).hasSize(1);
        AuditEvent event = breakGlass.get(0);
        assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("BTG");
        assertThat(event.getPurposeOfEventFirstRep().getText()).isEqualTo(reason);
        assertThat(event.getAgentFirstRep().getWho().getReference()).startsWith("Practitioner/" + practitioner);
        assertThat(breakGlassEventsAbout(booked))
                .as("within the relationships: no break-glass")
                .isEmpty();
    }

    @Test
    void aSearchUnderBreakGlassIsNotNarrowedAndEachPatientOutsideIsAudited() throws Exception {
        String token = clinicianToken(null);
        String reason = "Multi-casualty incident triage " + UUID.randomUUID();

        HttpResponse<String> searched =
                as(token, get("/Observation?code=" + CODE_SYSTEM + "%7C" + code).header(BREAK_GLASS, reason));

        assertThat(searched.statusCode()).as(searched.body()).isEqualTo(200);
        assertThat(searched.body()).contains("Observation/" + observationOfOld, "Observation/" + observationOfBooked);
        assertThat(storedBreakGlassEventsAbout(oldEncounter))
                .singleElement()
                .satisfies(event ->
                        assertThat(event.getPurposeOfEventFirstRep().getText()).isEqualTo(reason));
        assertThat(breakGlassEventsAbout(booked)).isEmpty();
    }

    @Test
    void aBlankOrTooShortReasonIsRefused() throws Exception {
        String token = clinicianToken(null);

        assertRefused(as(token, get("/Patient/" + oldEncounter).header(BREAK_GLASS, "       ")));
        assertRefused(as(token, get("/Patient/" + oldEncounter).header(BREAK_GLASS, "why")));
        trail.flush();
        assertThat(breakGlassEventsAbout(oldEncounter)).isEmpty();
    }

    @Test
    void theEhrLaunchPatientIsReachableWithoutACareRelationship() throws Exception {
        String launched = create(patient());
        Group registered = new Group();
        registered.setType(Group.GroupType.PERSON).setActual(true);
        registered.addMember().setEntity(new Reference("Patient/" + launched));
        BackendServicesTestClient ehr = BackendServicesTestClient.registerEhrSystem(
                registrations,
                "http://localhost:" + port + "/oauth2/token",
                Set.of("system/Patient.rs"),
                create(registered));
        HttpResponse<String> created =
                send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/launch-contexts"))
                        .header("Authorization", "Bearer " + ehr.accessToken())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"patient\":\"" + launched + "\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        String token =
                clinicianToken(json.readTree(created.body()).get("launch").asText());

        assertThat(status(token, "/Patient/" + launched)).isEqualTo(200);
        assertRefused(as(token, get("/Patient/" + oldEncounter)));
    }

    @Test
    void aReceptionistGainsNothingFromTheBreakGlassHeader() throws Exception {
        String receptionist = "care-reception-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(receptionist, PASSWORD, PortalRole.RECEPTIONIST, "Practitioner/" + practitioner, "Front desk");
        String token = signIn(receptionist, null, List.of("fhirUser", "user/*.cruds"));

        assertRefused(
                as(token, get("/Observation/" + observationOfOld).header(BREAK_GLASS, "Receptionist wants to look")));
        trail.flush();
        assertThat(breakGlassEventsAbout(oldEncounter)).isEmpty();
    }

    /** The clinician's token for {@code user/*.cruds}, with an EHR launch when {@code launch} is not null. */
    private String clinicianToken(String launch) throws Exception {
        return signIn(
                clinician,
                launch,
                launch == null ? List.of("fhirUser", "user/*.cruds") : List.of("launch", "fhirUser", "user/*.cruds"));
    }

    private String signIn(String username, String launch, List<String> granted) throws Exception {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        Map<String, String> authorization = browser.authorizationRequest(
                clientId,
                REDIRECT_URI,
                (launch == null ? "" : "launch ") + "openid fhirUser user/*.cruds",
                "st-" + UUID.randomUUID(),
                fhirBase());
        if (launch != null) {
            authorization.put("launch", launch);
        }
        assertThat(location(browser.authorize(authorization))).endsWith("/login");
        HttpResponse<String> consentPage = browser.follow(browser.follow(browser.signIn(username, PASSWORD)));
        HttpResponse<String> callback = browser.consent(consentPage, granted);
        assertThat(location(callback)).startsWith(REDIRECT_URI + "?");
        HttpResponse<String> token =
                browser.exchange(clientId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        JsonNode body = json.readTree(token.body());
        return body.get("access_token").asText();
    }

    /** The break-glass events about a patient, once everything recorded so far is stored. */
    private List<AuditEvent> storedBreakGlassEventsAbout(String patientId) {
        trail.flush();
        return breakGlassEventsAbout(patientId);
    }

    private List<AuditEvent> breakGlassEventsAbout(String patientId) {
        Bundle found = client().search()
                .byUrl("AuditEvent?subtype=urn:healthportal:audit-subtype%7Cbreak-glass&entity=Patient/" + patientId)
                .returnBundle(Bundle.class)
                .execute();
        return found.getEntry().stream()
                .map(entry -> (AuditEvent) entry.getResource())
                .toList();
    }

    private Patient patient() {
        return new Patient().addName(new HumanName().setFamily(family));
    }

    private Appointment appointment(String patient, Appointment.AppointmentStatus status) {
        Appointment appointment = new Appointment();
        appointment.setStatus(status);
        appointment.setStart(new Date(System.currentTimeMillis() + 86_400_000L));
        appointment.setEnd(new Date(System.currentTimeMillis() + 86_400_000L + 900_000L));
        appointment
                .addParticipant()
                .setActor(new Reference("Patient/" + patient))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        appointment
                .addParticipant()
                .setActor(new Reference("Practitioner/" + practitioner))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        return appointment;
    }

    private Encounter encounter(String patient, ZonedDateTime when) {
        Encounter encounter = new Encounter();
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        encounter.getClass_().setCode("AMB");
        encounter.setSubject(new Reference("Patient/" + patient));
        encounter.addParticipant().setIndividual(new Reference("Practitioner/" + practitioner));
        encounter.setPeriod(new Period()
                .setStart(Date.from(when.toInstant()))
                .setEnd(Date.from(when.plusMinutes(20).toInstant())));
        return encounter;
    }

    private Observation observation(String patient) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().addCoding().setSystem(CODE_SYSTEM).setCode(code);
        observation.setSubject(new Reference("Patient/" + patient));
        return observation;
    }

    private String create(org.hl7.fhir.r4.model.Resource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }

    private List<String> ids(String token, String path) {
        HttpResponse<String> response = as(token, get(path));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return fhirContext.newJsonParser().parseResource(Bundle.class, response.body()).getEntry().stream()
                .map(entry -> entry.getResource()
                        .getIdElement()
                        .toUnqualifiedVersionless()
                        .getValue())
                .toList();
    }

    private int status(String token, String path) {
        HttpResponse<String> response = as(token, get(path));
        return response.statusCode();
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

    private void assertRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    }
}
