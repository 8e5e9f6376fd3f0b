package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.authserver.StaffSecondFactor;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The admin API (issue 3, item 9): administrators list, create, disable and enable users and clients,
 * reset passwords, roles and second factors with their own access token; every other caller is refused;
 * a disabled user's or client's tokens stop working on {@code /fhir}, and so do a user's whose password
 * or role changed; no answer carries a password hash or a stored secret; every request is audited.
 */
class AdminApiIT extends FhirServerTestBase {

    private static final String REDIRECT_URI = "http://127.0.0.1:7782/callback";
    private static final String PASSWORD = "admin api test passphrase";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    StaffSecondFactor secondFactor;

    @Autowired
    AuditTrail trail;

    @Autowired
    JdbcTemplate jdbc;

    private String appId;
    private String patientId;
    private String practitionerId;

    @BeforeEach
    void appAndPeople() {
        Patient patient = new Patient();
        patient.addName().setFamily("Admin-api");
        patientId = client().create().resource(patient).execute().getId().getIdPart();
        Practitioner practitioner = new Practitioner();
        practitioner.addName().setFamily("Admin-api");
        practitionerId =
                client().create().resource(practitioner).execute().getId().getIdPart();
        appId = "admin-api-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                appId, "Admin console", REDIRECT_URI, Set.of("openid", "fhirUser", "patient/Patient.rs"));
    }

    @Test
    void onlyAnAdministratorsTokenIsLetIn() throws Exception {
        HttpResponse<String> anonymous = send(admin("/users"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(send(admin("/users").header("Authorization", "Bearer not-a-token"))
                        .statusCode())
                .isEqualTo(401);
        for (PortalRole role : List.of(PortalRole.PATIENT, PortalRole.PRACTITIONER, PortalRole.RECEPTIONIST)) {
            String token = token(newUser(role), List.of("fhirUser"));
            assertThat(send(as(token, admin("/users"))).statusCode())
                    .as(role.name())
                    .isEqualTo(403);
            assertThat(send(as(token, admin("/clients"))).statusCode())
                    .as(role.name())
                    .isEqualTo(403);
            assertThat(send(as(token, post("/users/" + "anyone" + "/disable", "")))
                            .statusCode())
                    .as(role.name())
                    .isEqualTo(403);
        }
        // A Backend Services client is not a person, let alone an administrator.
        assertThat(send(as(systemClient.accessToken(), admin("/clients"))).statusCode())
                .isEqualTo(403);
        String administrator = token(newUser(PortalRole.ADMINISTRATOR), List.of("fhirUser"));
        assertThat(send(as(administrator, admin("/users"))).statusCode()).isEqualTo(200);
    }

    @Test
    void anAdministratorCreatesAUserWhoSignsInAndNoAnswerCarriesAPasswordHash() throws Exception {
        String administrator = token(newUser(PortalRole.ADMINISTRATOR), List.of("fhirUser"));
        String username = "created-" + UUID.randomUUID();
        String body = json.writeValueAsString(Map.of(
                "username",
                username,
                "password",
                PASSWORD,
                "role",
                "patient",
                "fhirUser",
                "Patient/" + patientId,
                "displayName",
                "Carla Created"));

        HttpResponse<String> created = send(as(administrator, post("/users", body)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json.readTree(created.body()).get("fhirUser").asText()).isEqualTo("Patient/" + patientId);
        assertThat(send(as(administrator, post("/users", body))).statusCode()).isEqualTo(409);
        HttpResponse<String> list = send(as(administrator, admin("/users")));
        assertThat(list.body()).contains(username).doesNotContain("bcrypt").doesNotContain("$2a$");
        assertThat(list.body()).doesNotContainIgnoringCase("password");

        String patientToken = token(username, List.of("fhirUser", "patient/Patient.rs"));
        assertThat(send(as(patientToken, anonymousRequest("/Patient/" + patientId)))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void badNewUsersAreRefusedWithAReason() throws Exception {
        String administrator = token(newUser(PortalRole.ADMINISTRATOR), List.of("fhirUser"));
        for (Map<String, String> bad : List.of(
                Map.of(
                        "username",
                        "x",
                        "password",
                        PASSWORD,
                        "role",
                        "patient",
                        "fhirUser",
                        "Patient/1",
                        "displayName",
                        "X"),
                Map.of(
                        "username",
                        "shortpw",
                        "password",
                        "short",
                        "role",
                        "patient",
                        "fhirUser",
                        "Patient/1",
                        "displayName",
                        "X"),
                Map.of(
                        "username",
                        "norole",
                        "password",
                        PASSWORD,
                        "role",
                        "root",
                        "fhirUser",
                        "Patient/1",
                        "displayName",
                        "X"),
                Map.of(
                        "username",
                        "wrongtype",
                        "password",
                        PASSWORD,
                        "role",
                        "receptionist",
                        "fhirUser",
                        "Patient/1",
                        "displayName",
                        "X"))) {
            HttpResponse<String> response = send(as(administrator, post("/users", json.writeValueAsString(bad))));
            assertThat(response.statusCode()).as(bad.toString()).isEqualTo(400);
            assertThat(json.readTree(response.body()).get("error_description").asText())
                    .isNotBlank();
        }
    }

    @Test
    void aDisabledUsersTokenStopsWorkingOnFhir() throws Exception {
        String administrator = token(newUser(PortalRole.ADMINISTRATOR), List.of("fhirUser"));
        String patient = newUser(PortalRole.PATIENT);
        String patientToken = token(patient, List.of("fhirUser", "patient/Patient.rs"));
        assertThat(send(as(patientToken, anonymousRequest("/Patient/" + patientId)))
                        .statusCode())
                .isEqualTo(200);

        assertThat(send(as(administrator, post("/users/" + patient + "/disable", "")))
                        .statusCode())
                .isEqualTo(204);

        // The test profile checks revocation on every request (portal.auth.revocation-check-interval: 0s).
        assertThat(send(as(patientToken, anonymousRequest("/Patient/" + patientId)))
                        .statusCode())
                .isEqualTo(401);
        JsonNode listed =
                find(json.readTree(send(as(administrator, admin("/users"))).body()), "username", patient);
        assertThat(listed.get("enabled").asBoolean()).isFalse();
        assertThat(send(as(administrator, post("/users/no-such-user/disable", "")))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void anAdministratorSeesABackendClientsRoleButTheAdminApiGivesNone() throws Exception {
        String administrator = token(newUser(PortalRole.ADMINISTRATOR), List.of("fhirUser"));
        String partnerClient = "admin-api-partner-" + UUID.randomUUID();
        ECKey key = new ECKeyGenerator(Curve.P_384).keyID("k1").generate();
        registrations.registerBackendService(
                partnerClient,
                "Partner lab",
                new JWKSet(key.toPublicJWK()),
                Set.of("system/Observation.crus"),
                new SystemRole.Partner("admin-api-lab"));
        HttpResponse<String> created = send(as(
                administrator,
                post(
                        "/clients",
                        "{\"client_name\":\"Would-be EHR\",\"grant_types\":[\"client_credentials\"],"
                                + "\"token_endpoint_auth_method\":\"private_key_jwt\",\"scope\":\"system/*.rs\","
                                + "\"jwks\":" + new JWKSet(key.toPublicJWK()) + ",\"portal_role\":\"ehr-system\","
                                + "\"group\":\"everyone\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String wouldBeEhr = json.readTree(created.body()).get("client_id").asText();

        JsonNode clients =
                json.readTree(send(as(administrator, admin("/clients"))).body());
        JsonNode partner = find(clients, "client_id", partnerClient);
        assertThat(partner.get("portal_role").asText()).isEqualTo("partner");
        assertThat(partner.get("portal_partner").asText()).isEqualTo("admin-api-lab");
        assertThat(find(clients, "client_id", wouldBeEhr).has("portal_role")).isFalse();
    }

    @Test
    void anAdministratorRegistersAndDisablesClientsAndTheDisabledClientsTokensStopWorking() throws Exception {
        String administrator = token(newUser(PortalRole.ADMINISTRATOR), List.of("fhirUser"));
        HttpResponse<String> created = send(as(administrator, post("/clients", """
                        {"client_name":"Admin-made app","redirect_uris":["https://made.example/cb"],
                         "scope":"openid fhirUser user/*.rs"}
                        """)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode client = json.readTree(created.body());
        String secret = client.get("client_secret").asText();
        HttpResponse<String> list = send(as(administrator, admin("/clients")));
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body())
                .contains(client.get("client_id").asText())
                .doesNotContain(secret)
                .doesNotContain("bcrypt")
                .doesNotContain("\"client_secret\"");
        assertThat(send(as(
                                administrator,
                                post(
                                        "/clients",
                                        "{\"redirect_uris\":[\"http://evil.example/cb\"],\"scope\":\"openid\"}")))
                        .statusCode())
                .isEqualTo(400);

        // Another app than the administrator's own, which they are about to disable.
        String patientApp = "admin-api-patient-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                patientApp, "Patient app", REDIRECT_URI, Set.of("openid", "fhirUser", "patient/Patient.rs"));
        String patientToken = token(patientApp, newUser(PortalRole.PATIENT), List.of("fhirUser", "patient/Patient.rs"));
        assertThat(send(as(patientToken, anonymousRequest("/Patient/" + patientId)))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(as(administrator, post("/clients/" + patientApp + "/disable", "")))
                        .statusCode())
                .isEqualTo(204);

        assertThat(send(as(patientToken, anonymousRequest("/Patient/" + patientId)))
                        .statusCode())
                .isEqualTo(401);
        JsonNode listed =
                find(json.readTree(send(as(administrator, admin("/clients"))).body()), "client_id", patientApp);
        assertThat(listed.get("enabled").asBoolean()).isFalse();
        // Nor can it start a new authorization.
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        HttpResponse<String> authorize = browser.authorize(browser.authorizationRequest(
                patientApp, REDIRECT_URI, "fhirUser", "st-" + UUID.randomUUID(), fhirBase()));
        assertThat(authorize.statusCode()).isEqualTo(400);

        // Enabled again, it gets new tokens; disabling ended the old ones for good.
        assertThat(send(as(administrator, post("/clients/" + patientApp + "/enable", "")))
                        .statusCode())
                .isEqualTo(204);
        assertThat(find(json.readTree(send(as(administrator, admin("/clients"))).body()), "client_id", patientApp)
                        .get("enabled")
                        .asBoolean())
                .isTrue();
        assertThat(send(as(patientToken, anonymousRequest("/Patient/" + patientId)))
                        .statusCode())
                .isEqualTo(401);
        String newToken = token(patientApp, newUser(PortalRole.PATIENT), List.of("fhirUser", "patient/Patient.rs"));
        assertThat(send(as(newToken, anonymousRequest("/Patient/" + patientId))).statusCode())
                .isEqualTo(200);
        assertThat(send(as(administrator, post("/clients/no-such-client/enable", "")))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void anAdministratorResetsPasswordsRolesAndSecondFactorsAndEachChangeEndsTheUsersGrants() throws Exception {
        String administrator = token(newUser(PortalRole.ADMINISTRATOR), List.of("fhirUser"));
        String patient = newUser(PortalRole.PATIENT);
        String patientToken = token(patient, List.of("fhirUser", "patient/Patient.rs"));

        String newPassword = "a brand new passphrase";
        assertThat(send(as(administrator, post("/users/" + patient + "/password", "{\"password\":\"short\"}")))
                        .statusCode())
                .isEqualTo(400);
        assertThat(send(as(
                                administrator,
                                post("/users/" + patient + "/password", "{\"password\":\"" + newPassword + "\"}")))
                        .statusCode())
                .isEqualTo(204);
        // The old grant is gone (revocation is checked on every request in the test profile) ...
        assertThat(send(as(patientToken, anonymousRequest("/Patient/" + patientId)))
                        .statusCode())
                .isEqualTo(401);
        // ... the old password no longer signs in, the new one does.
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        browser.authorize(browser.authorizationRequest(
                appId, REDIRECT_URI, "openid fhirUser", "st-" + UUID.randomUUID(), fhirBase()));
        assertThat(location(browser.signIn(patient, PASSWORD))).contains("error");
        assertThat(location(browser.signIn(patient, newPassword))).doesNotContain("error");

        String receptionist = newUser(PortalRole.RECEPTIONIST);
        String receptionistToken = token(receptionist, List.of("fhirUser"));
        HttpResponse<String> toPatientWithoutLink =
                send(as(administrator, put("/users/" + receptionist + "/role", "{\"role\":\"patient\"}")));
        assertThat(toPatientWithoutLink.statusCode()).isEqualTo(400);
        assertThat(toPatientWithoutLink.body()).contains("fhirUser");
        HttpResponse<String> toClinician =
                send(as(administrator, put("/users/" + receptionist + "/role", "{\"role\":\"practitioner\"}")));
        assertThat(toClinician.statusCode()).as(toClinician.body()).isEqualTo(200);
        assertThat(json.readTree(toClinician.body()).get("role").asText()).isEqualTo("practitioner");
        assertThat(send(as(receptionistToken, anonymousRequest("/Patient/" + patientId)))
                        .statusCode())
                .isEqualTo(401);
        String myself = administratorUsername(administrator);
        assertThat(send(as(administrator, put("/users/" + myself + "/role", "{\"role\":\"practitioner\"}")))
                        .statusCode())
                .isEqualTo(409);

        String clinician = newUser(PortalRole.PRACTITIONER);
        assertThat(send(as(administrator, post("/users/" + clinician + "/second-factor/reset", "")))
                        .statusCode())
                .as("nothing enrolled yet")
                .isEqualTo(404);
        secondFactor.enrolDemo(clinician, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
        assertThat(send(as(administrator, post("/users/" + clinician + "/second-factor/reset", "")))
                        .statusCode())
                .isEqualTo(204);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM staff_totp WHERE username = ?", Integer.class, clinician))
                .isZero();

        assertThat(send(as(administrator, post("/users/" + patient + "/disable", "")))
                        .statusCode())
                .isEqualTo(204);
        assertThat(send(as(administrator, post("/users/" + patient + "/enable", "")))
                        .statusCode())
                .isEqualTo(204);
        assertThat(users.find(patient).orElseThrow().enabled()).isTrue();
    }

    @Test
    void everyAdminRequestIsAuditedRefusalsIncludedWithTheUserActedOn() throws Exception {
        String adminName = newUser(PortalRole.ADMINISTRATOR);
        String administrator = token(adminName, List.of("fhirUser"));
        String receptionistName = newUser(PortalRole.RECEPTIONIST);
        String receptionist = token(receptionistName, List.of("fhirUser"));
        String patient = newUser(PortalRole.PATIENT);

        send(as(administrator, admin("/users")));
        send(as(administrator, post("/users/" + patient + "/disable", "")));
        send(as(administrator, post("/users/no-such-user/enable", "")));
        send(as(receptionist, admin("/users")));
        trail.flush();

        List<AuditEvent> byAdmin = auditEvents(adminName);
        assertThat(byAdmin)
                .extracting(event -> event.getSubtype().get(0).getCode())
                .containsExactlyInAnyOrder("admin-list-users", "admin-disable-user", "admin-enable-user");
        AuditEvent disabled = byAdmin.stream()
                .filter(event -> event.getSubtype().get(0).getCode().equals("admin-disable-user"))
                .findFirst()
                .orElseThrow();
        assertThat(disabled.getType().getCode()).isEqualTo("110137");
        assertThat(disabled.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(disabled.getEntityFirstRep().getWhat().getIdentifier().getValue())
                .isEqualTo(patient);
        // The audit trail keeps versioned references (so that auditing never blocks a delete).
        assertThat(disabled.getAgentFirstRep()
                        .getWho()
                        .getReferenceElement()
                        .toUnqualifiedVersionless()
                        .getValue())
                .isEqualTo("Practitioner/" + practitionerId);
        AuditEvent notFound = byAdmin.stream()
                .filter(event -> event.getSubtype().get(0).getCode().equals("admin-enable-user"))
                .findFirst()
                .orElseThrow();
        assertThat(notFound.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(notFound.getOutcomeDesc()).isEqualTo("404");

        List<AuditEvent> refused = auditEvents(receptionistName);
        assertThat(refused)
                .filteredOn(event ->
                        event.getSubtype().stream().anyMatch(c -> c.getCode().equals("admin-refused")))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
                    assertThat(event.getEntityFirstRep().getDescription()).isEqualTo("GET /admin/users");
                });
    }

    /** The AuditEvents naming {@code username} as an agent, read with the tests' full-access client. */
    private List<AuditEvent> auditEvents(String username) {
        return client()
                .search()
                .forResource(AuditEvent.class)
                .where(AuditEvent.AGENT_NAME.matchesExactly().value(username))
                .count(200)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> (AuditEvent) entry.getResource())
                .filter(event -> event.getSubtype().stream()
                        .anyMatch(subtype -> subtype.getCode().startsWith("admin-")))
                .toList();
    }

    private String administratorUsername(String token) throws Exception {
        String payload = token.split("\\.")[1];
        return json.readTree(java.util.Base64.getUrlDecoder().decode(payload))
                .get("sub")
                .asText();
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.get(field).asText())) {
                return item;
            }
        }
        throw new AssertionError(value + " not listed in " + array);
    }

    private String newUser(PortalRole role) {
        String username = role.claimValue() + "-" + UUID.randomUUID();
        String fhirUser = role == PortalRole.PATIENT ? "Patient/" + patientId : "Practitioner/" + practitionerId;
        users.save(username, PASSWORD, role, fhirUser, "Test " + role);
        return username;
    }

    /** A person's access token for the admin console app, through the real authorization-code flow. */
    private String token(String username, List<String> granted) throws Exception {
        return token(appId, username, granted);
    }

    private String token(String appId, String username, List<String> granted) throws Exception {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        Map<String, String> authorization = browser.authorizationRequest(
                appId, REDIRECT_URI, "openid " + String.join(" ", granted), "st-" + UUID.randomUUID(), fhirBase());
        assertThat(location(browser.authorize(authorization))).endsWith("/login");
        HttpResponse<String> consentPage = browser.follow(browser.follow(browser.signIn(username, PASSWORD)));
        HttpResponse<String> callback = browser.consent(consentPage, granted);
        HttpResponse<String> token =
                browser.exchange(appId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return json.readTree(token.body()).get("access_token").asText();
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin" + path))
                .header("Accept", "application/json");
    }

    private HttpRequest.Builder post(String path, String body) {
        return admin(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpRequest.Builder put(String path, String body) {
        return admin(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpRequest.Builder as(String token, HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + token);
    }
}
