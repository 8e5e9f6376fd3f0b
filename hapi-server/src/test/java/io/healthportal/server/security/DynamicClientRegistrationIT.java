package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * RFC 7591 dynamic registration at the endpoint the SMART configuration names: only with an initial
 * access token, errors per §3.2.2, a registered client that works in the real flows, and never a role
 * (partner or EHR system), which only an operator's configuration gives.
 */
class DynamicClientRegistrationIT extends FhirServerTestBase {

    /** Its SHA-256 digest is configured in application-test.yaml. */
    private static final String INITIAL_ACCESS_TOKEN = "test-only-initial-access-token";

    private static final String REDIRECT_URI = "http://127.0.0.1:7781/callback";
    private static final String PASSWORD = "registered app passphrase";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    PortalUsers users;

    @Autowired
    JdbcTemplate jdbc;

    private String registrationEndpoint() throws Exception {
        return json.readTree(send(anonymousRequest("/.well-known/smart-configuration"))
                        .body())
                .get("registration_endpoint")
                .asText();
    }

    private HttpResponse<String> register(String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registrationEndpoint()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private HttpResponse<String> register(String body) throws Exception {
        return register("Bearer " + INITIAL_ACCESS_TOKEN, body);
    }

    @Test
    void theSmartConfigurationNamesTheRegistrationEndpoint() throws Exception {
        assertThat(registrationEndpoint()).isEqualTo("http://localhost:" + port + "/oauth2/register");
    }

    @Test
    void aRegisteredPublicClientGetsATokenThroughTheAuthorizationCodeFlowWithPkce() throws Exception {
        HttpResponse<String> registered = register("""
                {"client_name":"Registered diary","token_endpoint_auth_method":"none",
                 "grant_types":["authorization_code"],"redirect_uris":["%s"],
                 "scope":"launch/patient patient/Patient.rs patient/Observation.rs"}
                """.formatted(REDIRECT_URI));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        assertThat(registered.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        JsonNode client = json.readTree(registered.body());
        String clientId = client.get("client_id").asText();
        assertThat(client.has("client_secret")).isFalse();
        assertThat(client.get("token_endpoint_auth_method").asText()).isEqualTo("none");
        assertThat(client.get("redirect_uris").get(0).asText()).isEqualTo(REDIRECT_URI);

        Patient patient = new Patient();
        patient.addName().setFamily("Registered");
        String patientId = client().create().resource(patient).execute().getId().getIdPart();
        String username = "registered-" + UUID.randomUUID();
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + patientId, "Rita Registered");
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        Map<String, String> authorization = browser.authorizationRequest(
                clientId, REDIRECT_URI, "launch/patient patient/Patient.rs", "st-" + UUID.randomUUID(), fhirBase());
        assertThat(location(browser.authorize(authorization))).endsWith("/login");
        HttpResponse<String> consentPage = browser.follow(browser.follow(browser.signIn(username, PASSWORD)));
        String code = query(browser.consent(consentPage, List.of("launch/patient", "patient/Patient.rs")))
                .get("code");
        HttpResponse<String> token = browser.exchange(clientId, REDIRECT_URI, code, browser.verifier());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        JsonNode tokenResponse = json.readTree(token.body());
        assertThat(tokenResponse.get("patient").asText()).isEqualTo(patientId);

        HttpResponse<String> read = send(anonymousRequest("/Patient/" + patientId)
                .header(
                        "Authorization",
                        "Bearer " + tokenResponse.get("access_token").asText()));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    }

    @Test
    void aConfidentialClientGetsItsSecretOnceAndTheDatabaseKeepsOnlyItsHash() throws Exception {
        HttpResponse<String> registered = register("""
                {"client_name":"Registered clinic app","redirect_uris":["https://clinic.example/cb"],
                 "grant_types":["authorization_code","refresh_token"],"scope":"openid fhirUser user/*.rs offline_access"}
                """);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode client = json.readTree(registered.body());
        String secret = client.get("client_secret").asText();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
        assertThat(client.get("client_secret_expires_at").asLong()).isZero();
        assertThat(client.get("token_endpoint_auth_method").asText()).isEqualTo("client_secret_basic");

        String stored = jdbc.queryForObject(
                "SELECT client_secret FROM oauth2_registered_client WHERE client_id = ?",
                String.class,
                client.get("client_id").asText());
        assertThat(stored).startsWith("{bcrypt}").doesNotContain(secret);
    }

    @Test
    void withoutAValidInitialAccessTokenNothingIsRegistered() throws Exception {
        String body = "{\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"" + REDIRECT_URI
                + "\"],\"scope\":\"patient/Patient.rs\",\"client_name\":\"Uninvited\"}";
        Integer before = jdbc.queryForObject(
                "SELECT count(*) FROM oauth2_registered_client WHERE client_name = 'Uninvited'", Integer.class);

        HttpResponse<String> none = register(null, body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        HttpResponse<String> wrong = register("Bearer not-the-token", body);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        // An access token of this server is not an initial access token.
        HttpResponse<String> accessToken = register("Bearer " + systemClient.accessToken(), body);
        assertThat(accessToken.statusCode()).isEqualTo(401);

        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM oauth2_registered_client WHERE client_name = 'Uninvited'", Integer.class))
                .isEqualTo(before);
    }

    @Test
    void aRegisteredBackendServicesClientGetsNoRoleWhateverItsMetadataSays() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_384)
                .keyID(UUID.randomUUID().toString())
                .algorithm(JWSAlgorithm.ES384)
                .generate();
        HttpResponse<String> registered = register("{\"client_name\":\"Self-made partner\","
                + "\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
                + "\"scope\":\"system/Observation.rs\",\"jwks\":" + new JWKSet(key.toPublicJWK())
                + ",\"portal_role\":\"ehr-system\",\"role\":\"partner\",\"partner_id\":\"demo-lab\","
                + "\"group\":\"everyone\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String clientId = json.readTree(registered.body()).get("client_id").asText();

        BackendServicesTestClient client = BackendServicesTestClient.of(
                clientId, "http://localhost:" + port + "/oauth2/token", key, "system/Observation.rs");
        JWTClaimsSet claims = SignedJWT.parse(client.accessToken()).getJWTClaimsSet();

        assertThat(claims.getClaims()).doesNotContainKeys("portal_role", "portal_partner", "portal_group");
    }

    @Test
    void badMetadataGetsRfc7591sErrorCodes() throws Exception {
        assertError(
                register("{\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"http://evil.example/cb\"],"
                        + "\"scope\":\"openid\"}"),
                "invalid_redirect_uri");
        assertError(
                register("{\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"" + REDIRECT_URI
                        + "\"],\"scope\":\"system/*.cruds\"}"),
                "invalid_client_metadata");
        assertError(register("{\"software_statement\":\"a.b.c\"}"), "invalid_software_statement");
        assertError(register("not json"), "invalid_client_metadata");
    }

    private void assertError(HttpResponse<String> response, String error) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).isNotBlank();
    }
}
