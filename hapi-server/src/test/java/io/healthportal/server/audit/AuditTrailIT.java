package io.healthportal.server.audit;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 3, item 16, on the full server: the AuditEvents a scenario of requests leaves behind, counted
 * and checked one by one (denials, 401s, sign-ins and tokens included); an audit trail nobody can
 * change through the API; who may read it; and that it stays out of the full-text index.
 */
class AuditTrailIT extends FhirServerTestBase {

    private static final String REDIRECT_URI = "http://127.0.0.1:7781/callback";
    private static final String PASSWORD = "audit trail test password";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    AuditTrail trail;

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    JdbcTemplate jdbc;

    private String family;
    private String patientA;
    private String patientB;
    private String observationOfA;

    @BeforeEach
    void twoPatients() {
        family = "Audited" + letters(10);
        patientA = create(patient(family));
        patientB = create(patient(family));
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("audit test");
        observation.setSubject(new Reference("Patient/" + patientA));
        observationOfA = create(observation);
    }

    @Test
    void aScenarioLeavesOneAuditEventPerRequestDenialsIncluded() throws Exception {
        BackendServicesTestClient app = backendClient("system/Patient.crs system/Observation.rs");
        String token = app.accessToken(); // a token issued
        String tokenId = SignedJWT.parse(token).getJWTClaimsSet().getJWTID();

        assertThat(as(token, get("/Patient/" + patientA)).statusCode()).isEqualTo(200);
        assertThat(as(token, get("/Observation/" + observationOfA)).statusCode())
                .isEqualTo(200);
        HttpResponse<String> search = as(token, get("/Patient?family=" + family));
        assertThat(fhirContext
                        .newJsonParser()
                        .parseResource(Bundle.class, search.body())
                        .getEntry())
                .hasSize(2);
        HttpResponse<String> created = as(token, post("/Patient", json(patient(family + "c"))));
        assertThat(created.statusCode()).isEqualTo(201);
        String patientC = new org.hl7.fhir.r4.model.IdType(location(created)).getIdPart();
        assertThat(as(token, get("/Encounter?subject=Patient/" + patientA)).statusCode())
                .as("outside the scopes")
                .isEqualTo(403);
        String address = "198.51.100." + ThreadLocalRandom.current().nextInt(1, 255);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> refused =
                    send(anonymousRequest("/Patient/" + patientA).header("X-Forwarded-For", address));
            assertThat(refused.statusCode()).isEqualTo(401);
        }
        String typedUsername = "nobody-" + UUID.randomUUID();
        assertThat(location(new AuthorizationCodeFlow("http://localhost:" + port).signIn(typedUsername, "wrong")))
                .endsWith("/login?error");
        trail.flush();

        List<AuditEvent> ofTheApp = auditEvents("agent-name:exact=" + app.clientId());
        List<AuditEvent> ofTheAddress = auditEvents("address=" + address);
        List<AuditEvent> ofTheSignIn = auditEvents("agent-name:exact=" + typedUsername);
        assertThat(ofTheApp).as("token, 2 reads, search, create, 403").hasSize(6);
        assertThat(ofTheAddress).as("three 401s in one event").hasSize(1);
        assertThat(ofTheSignIn).as("the failed sign-in").hasSize(1);

        AuditEvent issued = only(ofTheApp, subtype("token-issued"));
        assertThat(issued.getOutcome()).isEqualTo(AuditEventOutcome._0);
        assertThat(issued.getEntityFirstRep().getDescription()).contains("system/Patient.crs");
        assertClientAgent(issued, app.clientId(), null);

        AuditEvent readA = only(
                ofTheApp,
                subtype("read")
                        .and(names("Patient/" + patientA))
                        .and(names("Observation/" + observationOfA).negate()));
        assertThat(readA.getAction()).isEqualTo(AuditEventAction.R);
        assertThat(readA.getOutcome()).isEqualTo(AuditEventOutcome._0);
        assertThat(entities(readA)).containsExactly("1 Patient/" + patientA + "/_history/1");
        assertClientAgent(readA, app.clientId(), tokenId);
        assertThat(readA.getSource().getSite()).isEqualTo(fhirBase());

        AuditEvent readObservation = only(ofTheApp, subtype("read").and(names("Observation/" + observationOfA)));
        assertThat(entities(readObservation))
                .containsExactly(
                        "4 Observation/" + observationOfA + "/_history/1", "1 Patient/" + patientA + "/_history/1");

        AuditEvent searched = only(ofTheApp, subtype("search-type").and(outcome(AuditEventOutcome._0)));
        assertThat(searched.getAction()).isEqualTo(AuditEventAction.E);
        assertThat(entities(searched))
                .containsExactlyInAnyOrder(
                        "1 Patient/" + patientA + "/_history/1",
                        "1 Patient/" + patientB + "/_history/1",
                        "24 Patient?family=" + family);

        AuditEvent create = only(ofTheApp, subtype("create"));
        assertThat(create.getAction()).isEqualTo(AuditEventAction.C);
        assertThat(create.getOutcome()).isEqualTo(AuditEventOutcome._0);
        assertThat(entities(create)).containsExactly("1 Patient/" + patientC + "/_history/1");

        AuditEvent denied = only(ofTheApp, outcome(AuditEventOutcome._4));
        assertThat(denied.getSubtypeFirstRep().getCode()).isEqualTo("search-type");
        assertThat(denied.getOutcomeDesc()).startsWith("403 ").contains("PORTAL-AUTH-403");
        assertThat(entities(denied)).containsExactly("24 Encounter?subject=Patient%2F" + patientA);
        assertClientAgent(denied, app.clientId(), tokenId);

        AuditEvent unauthenticated = ofTheAddress.get(0);
        assertThat(unauthenticated.getOutcome()).isEqualTo(AuditEventOutcome._4);
        assertThat(((IntegerType) unauthenticated
                                .getExtensionByUrl(AuditEvents.AGGREGATED_COUNT)
                                .getValue())
                        .getValue())
                .isEqualTo(3);
        assertThat(unauthenticated.getAgentFirstRep().getNetwork().getAddress()).isEqualTo(address);

        AuditEvent failedSignIn = ofTheSignIn.get(0);
        assertThat(failedSignIn.getSubtypeFirstRep().getCode()).isEqualTo("110122");
        assertThat(failedSignIn.getOutcome()).isEqualTo(AuditEventOutcome._4);
        assertThat(failedSignIn.getOutcomeDesc()).isEqualTo("bad credentials");
    }

    @Test
    void aTransactionLeavesOneAuditEventPerEntry() {
        BackendServicesTestClient app = backendClient("system/Patient.cruds system/Observation.cruds");
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("in a transaction");
        observation.setSubject(new Reference("Patient/" + patientB));
        transaction
                .addEntry()
                .setResource(observation)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Observation");
        transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + patientA);

        HttpResponse<String> answered = as(app.accessToken(), post("", json(transaction)));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        trail.flush();

        List<AuditEvent> events = auditEvents("agent-name:exact=" + app.clientId() + "&subtype=transaction");
        assertThat(events).hasSize(2);
        assertThat(entities(only(events, subtype("create"))))
                .anyMatch(entity -> entity.startsWith("4 Observation/"))
                .contains("1 Patient/" + patientB + "/_history/1");
        assertThat(entities(only(events, subtype("read")))).containsExactly("1 Patient/" + patientA + "/_history/1");
    }

    @Test
    void noOneChangesOrDeletesAnAuditEventNorCreatesOneThroughTheApi() {
        assertThat(send(request("/Patient/" + patientA)).statusCode()).isEqualTo(200);
        trail.flush();
        AuditEvent event =
                auditEvents("entity=Patient/" + patientA + "&_count=1").get(0);
        String id = event.getIdElement().getIdPart();
        String body = json(event);

        // The system client holds system/*.cruds.
        assertRefused(
                send(request("/AuditEvent/" + id)
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))),
                405);
        assertRefused(
                send(request("/AuditEvent/" + id)
                        .header("Content-Type", "application/json-patch+json")
                        .method(
                                "PATCH",
                                HttpRequest.BodyPublishers.ofString(
                                        "[{\"op\":\"replace\",\"path\":\"/outcome\",\"value\":\"8\"}]"))),
                405);
        assertRefused(send(request("/AuditEvent/" + id).DELETE()), 405);
        assertRefused(send(request("/AuditEvent?_id=" + id).DELETE()), 405);
        AuditEvent forged = event.copy();
        forged.setId((String) null);
        assertRefused(
                send(post("/AuditEvent", json(forged)).header("Authorization", "Bearer " + systemClient.accessToken())),
                403);
        assertRefused(transaction(Bundle.HTTPVerb.PUT, "AuditEvent/" + id, event), 405);
        assertRefused(transaction(Bundle.HTTPVerb.DELETE, "AuditEvent/" + id, null), 405);
        assertRefused(transaction(Bundle.HTTPVerb.POST, "AuditEvent", forged), 403);

        AuditEvent after = fhirContext
                .newJsonParser()
                .parseResource(
                        AuditEvent.class, send(request("/AuditEvent/" + id)).body());
        assertThat(after.getMeta().getVersionId()).isEqualTo("1");
        assertThat(after.getOutcome()).isEqualTo(event.getOutcome());
    }

    @Test
    void aPatientSeesWhoAccessedTheirOwnRecordAndNoOneElses() throws Exception {
        BackendServicesTestClient clinicApp = backendClient("system/Patient.rs");
        assertThat(as(clinicApp.accessToken(), get("/Patient/" + patientA)).statusCode())
                .isEqualTo(200);
        assertThat(as(clinicApp.accessToken(), get("/Patient/" + patientB)).statusCode())
                .isEqualTo(200);
        String username = "audit-patient-" + UUID.randomUUID();
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + patientA, "Pat Audited");
        String patientToken = signInAndGrant(
                username,
                "openid fhirUser launch/patient patient/*.rs",
                List.of("fhirUser", "launch/patient", "patient/*.rs"));
        trail.flush();
        String aboutB = auditEvents("agent-name:exact=" + clinicApp.clientId() + "&entity=Patient/" + patientB)
                .get(0)
                .getIdElement()
                .getIdPart();

        HttpResponse<String> own = as(patientToken, get("/AuditEvent?_count=500"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        List<AuditEvent> seen = events(own.body());
        assertThat(seen)
                .as("the clinic app's read of their record")
                .anyMatch(names("Patient/" + patientA).and(agentNamed(clinicApp.clientId())));
        assertThat(seen).as("their own sign-in's token").anyMatch(subtype("token-issued"));
        assertThat(seen)
                .allMatch(event -> mentions(event, "Patient/" + patientA), "every event concerns their own record");
        assertThat(seen).noneMatch(event -> mentions(event, "Patient/" + patientB));
        assertThat(as(patientToken, get("/AuditEvent?entity=Patient/" + patientB))
                        .body())
                .doesNotContain("Patient/" + patientB + "/");
        assertThat(as(patientToken, get("/AuditEvent/" + aboutB)).statusCode()).isIn(403, 404);
    }

    @Test
    void anAdministratorReadsEveryonesAuditEvents() throws Exception {
        BackendServicesTestClient clinicApp = backendClient("system/Patient.rs");
        assertThat(as(clinicApp.accessToken(), get("/Patient/" + patientB)).statusCode())
                .isEqualTo(200);
        Practitioner admin = new Practitioner();
        admin.addName().setFamily("Auditor");
        String adminUser = "audit-admin-" + UUID.randomUUID();
        users.save(adminUser, PASSWORD, PortalRole.ADMINISTRATOR, "Practitioner/" + create(admin), "Ada Auditor");
        String adminToken =
                signInAndGrant(adminUser, "openid fhirUser user/*.cruds", List.of("fhirUser", "user/*.cruds"));
        trail.flush();

        HttpResponse<String> all = as(adminToken, get("/AuditEvent?patient=Patient/" + patientB + "&_count=500"));
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        List<AuditEvent> aboutB = events(all.body());
        AuditEvent clinicRead = only(aboutB, agentNamed(clinicApp.clientId()));
        assertThat(as(adminToken, get("/AuditEvent/" + clinicRead.getIdElement().getIdPart()))
                        .statusCode())
                .isEqualTo(200);
        trail.flush();
        assertThat(auditEvents("agent-name:exact=" + adminUser))
                .as("the administrator's own sign-in, token and searches")
                .anyMatch(subtype("110122"))
                .anyMatch(subtype("token-issued"))
                .anyMatch(subtype("search-type"));
    }

    @Test
    void auditEventsStayOutOfTheFullTextIndexWhilePatientsAreIn() {
        BackendServicesTestClient app = backendClient("system/Patient.rs");
        assertThat(as(app.accessToken(), get("/Patient/" + patientA)).statusCode())
                .isEqualTo(200);
        trail.flush();
        assertThat(auditEvents("agent-name:exact=" + app.clientId())).isNotEmpty();

        // The client id is in the stored AuditEvents' text, the family name in the Patients'.
        assertThat(total(send(request("/Patient?_content=" + family)))).isEqualTo(2);
        assertThat(total(send(request("/AuditEvent?_content=" + app.clientId()))))
                .isZero();
        assertThat(total(send(request("/AuditEvent?_text=" + app.clientId())))).isZero();
        // HAPI's own record of the decision: 0 is "database only", 1 "full text too"; its Hibernate Search
        // routing writes a Lucene document only for the latter.
        assertThat(jdbc.queryForList(
                        "SELECT DISTINCT sp_index_status FROM hfj_resource WHERE res_type = 'AuditEvent'",
                        Integer.class))
                .containsExactly(0);
        assertThat(jdbc.queryForList(
                        "SELECT sp_index_status FROM hfj_resource WHERE res_type = 'Patient' AND fhir_id = ?",
                        Integer.class,
                        patientA))
                .containsExactly(1);
    }

    @Test
    void everythingLeavesTheAuditTrailOutAndIsAuditedItself() {
        assertThat(send(request("/Patient/" + patientA)).statusCode()).isEqualTo(200);
        trail.flush();
        assertThat(auditEvents("entity=Patient/" + patientA)).isNotEmpty();

        HttpResponse<String> everything = send(request("/Patient/" + patientA + "/$everything"));
        assertThat(everything.statusCode()).as(everything.body()).isEqualTo(200);
        assertThat(fhirContext
                        .newJsonParser()
                        .parseResource(Bundle.class, everything.body())
                        .getEntry())
                .extracting(entry -> entry.getResource().fhirType())
                .contains("Patient", "Observation")
                .doesNotContain("AuditEvent");
        trail.flush();

        AuditEvent audited = only(auditEvents("entity=Patient/" + patientA), subtype("$everything"));
        assertThat(audited.getSubtypeFirstRep().getCode()).isEqualTo("operation");
        assertThat(entities(audited)).contains("1 Patient/" + patientA + "/_history/1", "24 Patient/$everything");
    }

    @Test
    void aBulkExportKickOffIsAudited() {
        // Bulk export needs an unrestricted scope here (SmartAuthorizationInterceptor).
        BackendServicesTestClient exporter = backendClient("system/*.cruds");
        HttpResponse<String> kickOff = as(
                exporter.accessToken(),
                get("/Patient/$export?_type=Patient,Observation").header("Prefer", "respond-async"));
        assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
        // Not needed here: cancel the job rather than leave it running beside the other tests.
        as(
                exporter.accessToken(),
                HttpRequest.newBuilder(java.net.URI.create(
                                kickOff.headers().firstValue("Content-Location").orElseThrow()))
                        .DELETE());
        trail.flush();

        AuditEvent exported = only(auditEvents("agent-name:exact=" + exporter.clientId()), subtype("$export"));
        assertThat(exported.getAction()).isEqualTo(AuditEventAction.E);
        assertThat(exported.getOutcome()).isEqualTo(AuditEventOutcome._0);
        assertThat(exported.getOutcomeDesc()).isEqualTo("202");
        assertThat(entities(exported)).containsExactly("24 Patient/$export?_type=Patient%2CObservation");
    }

    @Test
    void anAuditedPatientCanStillBeDeleted() {
        String patientD = create(patient(family + "d"));
        assertThat(send(request("/Patient/" + patientD)).statusCode()).isEqualTo(200);
        trail.flush();
        assertThat(auditEvents("entity=Patient/" + patientD)).isNotEmpty();

        HttpResponse<String> deleted = send(request("/Patient/" + patientD).DELETE());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        trail.flush();
        assertThat(auditEvents("entity=Patient/" + patientD))
                .as("the read, still there")
                .isNotEmpty();
    }

    private String signInAndGrant(String username, String asked, List<String> granted) throws Exception {
        String clientId = "audit-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                clientId,
                "Audit test app",
                REDIRECT_URI,
                Set.of("openid", "fhirUser", "launch/patient", "patient/*.rs", "user/*.cruds"));
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        Map<String, String> authorization =
                browser.authorizationRequest(clientId, REDIRECT_URI, asked, "state-" + UUID.randomUUID(), fhirBase());
        assertThat(location(browser.authorize(authorization))).endsWith("/login");
        HttpResponse<String> toConsent = browser.follow(browser.signIn(username, PASSWORD));
        HttpResponse<String> callback = browser.consent(browser.follow(toConsent), granted);
        HttpResponse<String> token =
                browser.exchange(clientId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return json.readTree(token.body()).get("access_token").asText();
    }

    private BackendServicesTestClient backendClient(String scopes) {
        return BackendServicesTestClient.register(
                registrations, "http://localhost:" + port + "/oauth2/token", Set.of(scopes.split(" ")));
    }

    /** AuditEvents matching {@code query}, searched with the system client's token. */
    private List<AuditEvent> auditEvents(String query) {
        HttpResponse<String> response = send(request("/AuditEvent?" + query + "&_count=500"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return events(response.body());
    }

    private List<AuditEvent> events(String bundle) {
        return fhirContext.newJsonParser().parseResource(Bundle.class, bundle).getEntry().stream()
                .map(entry -> entry.getResource())
                .filter(AuditEvent.class::isInstance)
                .map(AuditEvent.class::cast)
                .toList();
    }

    private int total(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return fhirContext
                .newJsonParser()
                .parseResource(Bundle.class, response.body())
                .getEntry()
                .size();
    }

    private HttpResponse<String> transaction(Bundle.HTTPVerb method, String url, AuditEvent resource) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Bundle.BundleEntryComponent entry = bundle.addEntry();
        entry.getRequest().setMethod(method).setUrl(url);
        if (resource != null) {
            entry.setResource(resource);
        }
        return send(post("", json(bundle)).header("Authorization", "Bearer " + systemClient.accessToken()));
    }

    private void assertRefused(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("PORTAL-AUDIT-" + status);
    }

    private static void assertClientAgent(AuditEvent event, String clientId, String tokenId) {
        AuditEvent.AuditEventAgentComponent client = event.getAgent().stream()
                .filter(agent -> AuditEvents.CLIENT_ID_SYSTEM.equals(
                        agent.getWho().getIdentifier().getSystem()))
                .findFirst()
                .orElseThrow();
        assertThat(client.getWho().getIdentifier().getValue()).isEqualTo(clientId);
        assertThat(client.getRequestor()).as("no person: the client asked").isTrue();
        if (tokenId != null) {
            assertThat(client.getPolicy()).extracting(p -> p.getValue()).containsExactly(tokenId);
        }
    }

    private static AuditEvent only(List<AuditEvent> events, Predicate<AuditEvent> which) {
        List<AuditEvent> matching = events.stream().filter(which).toList();
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    private static Predicate<AuditEvent> subtype(String code) {
        return event -> event.getSubtype().stream().anyMatch(coding -> code.equals(coding.getCode()));
    }

    private static Predicate<AuditEvent> outcome(AuditEventOutcome outcome) {
        return event -> event.getOutcome() == outcome;
    }

    private static Predicate<AuditEvent> agentNamed(String name) {
        return event -> event.getAgent().stream().anyMatch(agent -> name.equals(agent.getName()));
    }

    /** Whether an entity names {@code reference} (any version). */
    private static Predicate<AuditEvent> names(String reference) {
        return event -> event.getEntity().stream()
                .anyMatch(entity -> entity.getWhat().hasReference()
                        && entity.getWhat()
                                .getReferenceElement()
                                .toUnqualifiedVersionless()
                                .getValue()
                                .equals(reference));
    }

    /** Whether an entity or an agent names {@code reference} (any version). */
    private static boolean mentions(AuditEvent event, String reference) {
        return names(reference).test(event)
                || event.getAgent().stream()
                        .anyMatch(agent -> agent.getWho().hasReference()
                                && agent.getWho()
                                        .getReferenceElement()
                                        .toUnqualifiedVersionless()
                                        .getValue()
                                        .equals(reference));
    }

    /** Each entity as its role code and what it names (the decoded query for a query). */
    private static List<String> entities(AuditEvent event) {
        return event.getEntity().stream()
                .map(entity -> entity.getRole().getCode() + " "
                        + (entity.getWhat().hasReference()
                                ? entity.getWhat().getReference()
                                : entity.hasQuery()
                                        ? new String(entity.getQuery(), StandardCharsets.UTF_8)
                                        : entity.getName()))
                .toList();
    }

    private String create(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }

    private static Patient patient(String family) {
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        return patient;
    }

    private String json(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return fhirContext.newJsonParser().encodeResourceToString(resource);
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

    private static String letters(int count) {
        StringBuilder value = new StringBuilder();
        ThreadLocalRandom.current().ints(count, 'a', 'z' + 1).forEach(c -> value.append((char) c));
        return value.toString();
    }
}
