package io.healthportal.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The AuditEvents built for each kind of request, without a server. */
class AuditEventsTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Instant NOW = Instant.parse("2026-11-26T20:00:00Z");
    private static final String BASE = "https://portal.example/fhir";
    private static final AuditActor CLINICIAN =
            new AuditActor("Practitioner/3", "dr-who", "records-app", "jti-1", "192.0.2.10");
    private static final AuditActor BACKEND = new AuditActor(null, null, "lab-feed", "jti-2", "192.0.2.11");

    private final AuditEvents events = new AuditEvents(BASE);

    @Test
    void aReadOfAnObservationNamesTheUserTheClientTheResourceAndItsPatient() {
        Observation observation = new Observation();
        observation.setId("Observation/5/_history/2");
        observation.setSubject(new Reference("Patient/7"));

        AuditEvent event =
                single(request(RestOperationTypeEnum.READ, "Observation/5", null, 200, CLINICIAN, observation, null));

        assertThat(event.getType().getCode()).isEqualTo("rest");
        assertThat(event.getType().getSystem()).isEqualTo("http://terminology.hl7.org/CodeSystem/audit-event-type");
        assertThat(event.getSubtypeFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/restful-interaction");
        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(event.getAction()).isEqualTo(AuditEventAction.R);
        assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._0);
        assertThat(event.getRecorded()).isEqualTo(java.util.Date.from(NOW));
        AuditEvent.AuditEventAgentComponent user = event.getAgent().get(0);
        assertThat(user.getRequestor()).isTrue();
        assertThat(user.getWho().getReference()).isEqualTo("Practitioner/3");
        assertThat(user.getWho().getIdentifier().getValue()).isEqualTo("dr-who");
        assertThat(user.getNetwork().getAddress()).isEqualTo("192.0.2.10");
        assertThat(user.getPolicy().get(0).getValue()).isEqualTo("jti-1");
        AuditEvent.AuditEventAgentComponent client = event.getAgent().get(1);
        assertThat(client.getRequestor()).isFalse();
        assertThat(client.getWho().getIdentifier().getSystem()).isEqualTo(AuditEvents.CLIENT_ID_SYSTEM);
        assertThat(client.getWho().getIdentifier().getValue()).isEqualTo("records-app");
        assertThat(event.getSource().getSite()).isEqualTo(BASE);
        assertThat(entities(event)).containsExactly("4 Observation/5/_history/2", "1 Patient/7");
    }

    @Test
    void aSearchReturningTwoPatientsHasOneEntityPerPatientAndTheQueryInBase64() {
        Bundle page = new Bundle();
        page.addEntry().setResource(patient("1", "4"));
        page.addEntry().setResource(patient("2", "1"));
        Observation ofTheFirst = new Observation();
        ofTheFirst.setId("Observation/9/_history/1");
        ofTheFirst.setSubject(new Reference("Patient/1"));
        page.addEntry().setResource(ofTheFirst);
        String query = AuditedRequest.query("Patient", null, Map.of("family", new String[] {"Smith"}));

        AuditEvent event = single(new AuditedRequest(
                NOW, RestOperationTypeEnum.SEARCH_TYPE, null, "Patient", null, query, 200, null, BACKEND, page, null));

        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("search-type");
        assertThat(event.getAction()).isEqualTo(AuditEventAction.E);
        assertThat(event.getAgent()).hasSize(1);
        assertThat(event.getAgentFirstRep().getRequestor()).isTrue();
        assertThat(event.getAgentFirstRep().getName()).isEqualTo("lab-feed");
        assertThat(entities(event)).containsExactly("1 Patient/1/_history/4", "1 Patient/2/_history/1", "24 query");
        AuditEvent.AuditEventEntityComponent queryEntity = event.getEntity().get(2);
        assertThat(new String(queryEntity.getQuery(), StandardCharsets.UTF_8)).isEqualTo("Patient?family=Smith");
        assertThat(FHIR.newJsonParser().encodeResourceToString(event))
                .contains("\"query\":\""
                        + java.util.Base64.getEncoder()
                                .encodeToString("Patient?family=Smith".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aRefusedReadIsAMinorFailureNamingTheTargetAndTheReason() {
        AuditEvent event = single(request(
                RestOperationTypeEnum.READ,
                "Patient/8",
                "PORTAL-AUTH-403: outside the token's scopes",
                403,
                CLINICIAN,
                null,
                null));

        assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._4);
        assertThat(event.getOutcomeDesc()).isEqualTo("403 PORTAL-AUTH-403: outside the token's scopes");
        assertThat(entities(event)).containsExactly("1 Patient/8");
    }

    @Test
    void aServerErrorIsASeriousFailure() {
        assertThat(AuditEvents.outcome(500)).isEqualTo(AuditEventOutcome._8);
        assertThat(AuditEvents.outcome(201)).isEqualTo(AuditEventOutcome._0);
        assertThat(AuditEvents.outcome(401)).isEqualTo(AuditEventOutcome._4);
    }

    @Test
    void aCreateNamesTheNewVersionAndThePatientItBelongsTo() {
        Observation created = new Observation();
        created.setId("Observation/12/_history/1");
        created.setSubject(new Reference("Patient/7"));

        AuditEvent event = single(request(RestOperationTypeEnum.CREATE, null, null, 201, BACKEND, created, created));

        assertThat(event.getAction()).isEqualTo(AuditEventAction.C);
        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("create");
        assertThat(entities(event)).containsExactly("4 Observation/12/_history/1", "1 Patient/7");
    }

    @Test
    void anEverythingOperationNamesTheOperationThePatientAndTheQuery() {
        Bundle everything = new Bundle();
        everything.addEntry().setResource(patient("7", "2"));
        Observation observation = new Observation();
        observation.setId("Observation/5/_history/1");
        observation.setSubject(new Reference("Patient/7"));
        everything.addEntry().setResource(observation);

        AuditEvent event = single(new AuditedRequest(
                NOW,
                RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
                "$everything",
                "Patient",
                "Patient/7",
                AuditedRequest.query("Patient", "$everything", Map.of()),
                200,
                null,
                CLINICIAN,
                everything,
                null));

        assertThat(event.getAction()).isEqualTo(AuditEventAction.E);
        assertThat(event.getSubtype()).extracting(Coding::getCode).containsExactly("operation", "$everything");
        assertThat(entities(event)).containsExactly("1 Patient/7/_history/2", "24 query");
        assertThat(AuditedRequest.query(null, "$export", Map.of("_type", new String[] {"Patient,Observation"})))
                .isEqualTo("$export?_type=Patient%2CObservation");
    }

    @Test
    void aTransactionGivesOneEventPerEntry() {
        Bundle asked = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Observation observation = new Observation();
        observation.setSubject(new Reference("Patient/7"));
        asked.addEntry()
                .setResource(observation)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Observation");
        asked.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Observation/3");
        asked.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?family=Smith");
        Bundle answered = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        answered.addEntry().getResponse().setStatus("201 Created").setLocation("Observation/13/_history/1");
        answered.addEntry().getResponse().setStatus("204 No Content");
        Bundle found = new Bundle();
        found.addEntry().setResource(patient("1", "2"));
        answered.addEntry().setResource(found).getResponse().setStatus("200 OK");

        List<AuditEvent> perEntry = new AuditedRequest(
                        NOW,
                        RestOperationTypeEnum.TRANSACTION,
                        null,
                        null,
                        null,
                        "",
                        200,
                        null,
                        BACKEND,
                        answered,
                        asked)
                .toEvents(events, FHIR);

        assertThat(perEntry).hasSize(3);
        assertThat(perEntry)
                .extracting(e -> e.getSubtypeFirstRep().getCode())
                .containsExactly("create", "delete", "search-type");
        assertThat(perEntry)
                .extracting(AuditEvent::getAction)
                .containsExactly(AuditEventAction.C, AuditEventAction.D, AuditEventAction.E);
        assertThat(perEntry.get(0).getSubtype()).extracting(Coding::getCode).contains("transaction");
        assertThat(entities(perEntry.get(0))).containsExactly("4 Observation/13/_history/1", "1 Patient/7");
        assertThat(entities(perEntry.get(1))).containsExactly("4 Observation/3");
        assertThat(entities(perEntry.get(2))).containsExactly("1 Patient/1/_history/2", "24 query");
    }

    @Test
    void repeatedUnauthenticatedRequestsBecomeOneEventWithTheirCount() {
        AuditEvent event = events.unauthenticated(NOW, NOW.plusSeconds(40), "198.51.100.7", 12);

        assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._4);
        assertThat(event.getType().getCode()).isEqualTo("110114");
        assertThat(((IntegerType) event.getExtensionByUrl(AuditEvents.AGGREGATED_COUNT)
                                .getValue())
                        .getValue())
                .isEqualTo(12);
        assertThat(event.getPeriod().getStart()).isEqualTo(java.util.Date.from(NOW));
        assertThat(event.getPeriod().getEnd()).isEqualTo(java.util.Date.from(NOW.plusSeconds(40)));
        assertThat(event.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("198.51.100.7");
    }

    @Test
    void unauthenticatedRequestsAreCountedPerAddressInWindowsOfAMinute() {
        UnauthenticatedWindows windows = new UnauthenticatedWindows();
        windows.count("198.51.100.1", NOW);
        windows.count("198.51.100.1", NOW.plusSeconds(30));
        windows.count("198.51.100.2", NOW.plusSeconds(31));

        assertThat(windows.close(NOW.plusSeconds(59), false)).isEmpty();
        List<UnauthenticatedWindows.Window> closed = windows.count("198.51.100.1", NOW.plusSeconds(61));
        assertThat(closed).singleElement().satisfies(window -> {
            assertThat(window.address()).isEqualTo("198.51.100.1");
            assertThat(window.count()).isEqualTo(2);
        });
        assertThat(windows.close(NOW.plusSeconds(95), false))
                .extracting(UnauthenticatedWindows.Window::address)
                .containsExactly("198.51.100.2");
        assertThat(windows.close(NOW.plusSeconds(96), true))
                .extracting(UnauthenticatedWindows.Window::count)
                .containsExactly(1);
    }

    @Test
    void aFailedLoginNamesTheUsernameTypedAndWhy() {
        AuditEvent event =
                events.login(NOW, new AuditActor(null, "mallory", null, null, "192.0.2.9"), false, "bad credentials");

        assertThat(event.getType().getCode()).isEqualTo("110114");
        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("110122");
        assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._4);
        assertThat(event.getOutcomeDesc()).isEqualTo("bad credentials");
        assertThat(event.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("mallory");
        assertThat(event.getAgentFirstRep().getWho().hasReference()).isFalse();
    }

    @Test
    void aTokenIssuedNamesTheClientTheScopesAndThePatientInContext() {
        AuditActor patientApp = new AuditActor("Patient/7", "pat", "demo-app", "jti-3", null);

        AuditEvent event = events.tokenIssued(NOW, patientApp, List.of("openid", "patient/*.rs"), "7");

        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("token-issued");
        assertThat(event.getAction()).isEqualTo(AuditEventAction.C);
        assertThat(event.getAgent())
                .extracting(AuditEvent.AuditEventAgentComponent::getName)
                .containsExactly("pat", "demo-app");
        assertThat(event.getEntityFirstRep()
                        .getDetailFirstRep()
                        .getValueStringType()
                        .getValue())
                .isEqualTo("openid patient/*.rs");
        assertThat(entities(event)).containsExactly("13 access token", "1 Patient/7");
    }

    @Test
    void breakGlassIsFlaggedWithItsReason() {
        AuditEvent event = events.breakGlass(NOW, CLINICIAN, "7", "unconscious in A&E");

        assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("BTG");
        assertThat(event.getPurposeOfEventFirstRep().getText()).isEqualTo("unconscious in A&E");
        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("break-glass");
        assertThat(entities(event)).containsExactly("1 Patient/7");
    }

    private AuditedRequest request(
            RestOperationTypeEnum interaction,
            String target,
            String detail,
            int status,
            AuditActor actor,
            org.hl7.fhir.instance.model.api.IBaseResource response,
            org.hl7.fhir.instance.model.api.IBaseResource body) {
        String type = target == null ? (response == null ? null : response.fhirType()) : target.split("/")[0];
        return new AuditedRequest(NOW, interaction, null, type, target, type, status, detail, actor, response, body);
    }

    private AuditEvent single(AuditedRequest request) {
        List<AuditEvent> built = request.toEvents(events, FHIR);
        assertThat(built).hasSize(1);
        return built.get(0);
    }

    private static Patient patient(String id, String version) {
        Patient patient = new Patient();
        patient.setId("Patient/" + id + "/_history/" + version);
        return patient;
    }

    /** Each entity as its role code and what it names. */
    private static List<String> entities(AuditEvent event) {
        return event.getEntity().stream()
                .map(entity -> entity.getRole().getCode() + " "
                        + (entity.getWhat().hasReference()
                                ? entity.getWhat().getReference()
                                : entity.hasQuery() ? "query" : entity.getName()))
                .toList();
    }
}
