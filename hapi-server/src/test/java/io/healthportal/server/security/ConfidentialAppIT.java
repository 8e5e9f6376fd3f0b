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
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A confidential SMART app with a client secret: HTTP Basic at the token endpoint, and refresh tokens
 * only with {@code offline_access} or {@code online_access}, rotated on each use, able to narrow scopes.
 */
class ConfidentialAppIT extends FhirServerTestBase {

    private static final String REDIRECT_URI = "http://127.0.0.1:7779/callback";
    private static final String PASSWORD = "another demo passphrase";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    JdbcTemplate jdbc;

    private String clientId;
    private String secret;
    private String username;
    private String patientId;
    private AuthorizationCodeFlow browser;

    @BeforeEach
    void appAndPatient() {
        Patient patient = new Patient();
        patient.addName().setFamily("Confidential");
        patientId = client().create().resource(patient).execute().getId().getIdPart();
        username = "confidential-" + UUID.randomUUID();
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + patientId, "Cora Confidential");
        clientId = "confidential-app-" + UUID.randomUUID();
        // bcrypt reads at most 72 bytes.
        secret = "s3cret-" + UUID.randomUUID();
        registrations.registerConfidentialApp(
                clientId,
                "Confidential app",
                secret,
                REDIRECT_URI,
                Set.of("launch/patient", "patient/Patient.rs", "patient/Observation.rs", "offline_access"));
        browser = new AuthorizationCodeFlow("http://localhost:" + port);
    }

    private String code(String scope, List<String> granted) {
        Map<String, String> authorization =
                browser.authorizationRequest(clientId, REDIRECT_URI, scope, "st-" + UUID.randomUUID(), fhirBase());
        assertThat(location(browser.authorize(authorization))).endsWith("/login");
        HttpResponse<String> consentPage = browser.follow(browser.follow(browser.signIn(username, PASSWORD)));
        return query(browser.consent(consentPage, granted)).get("code");
    }

    @Test
    void theSecretIsStoredOnlyAsABcryptHash() {
        String stored = jdbc.queryForObject(
                "SELECT client_secret FROM oauth2_registered_client WHERE client_id = ?", String.class, clientId);

        assertThat(stored).startsWith("{bcrypt}").doesNotContain(secret);
    }

    @Test
    void aWrongSecretIsRefused() {
        String code = code("launch/patient patient/Patient.rs", List.of("launch/patient", "patient/Patient.rs"));

        assertThat(browser.exchange(clientId, "wrong", REDIRECT_URI, code, browser.verifier())
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void withoutOfflineAccessThereIsNoRefreshToken() throws Exception {
        String code = code(
                "launch/patient patient/Patient.rs offline_access", List.of("launch/patient", "patient/Patient.rs"));

        JsonNode token = json.readTree(browser.exchange(clientId, secret, REDIRECT_URI, code, browser.verifier())
                .body());

        assertThat(token.has("access_token")).isTrue();
        assertThat(token.has("refresh_token")).isFalse();
    }

    @Test
    void offlineAccessGivesARefreshTokenThatRotatesAndCanNarrowTheScopes() throws Exception {
        String code = code(
                "launch/patient patient/Patient.rs patient/Observation.rs offline_access",
                List.of("launch/patient", "patient/Patient.rs", "patient/Observation.rs", "offline_access"));
        JsonNode first = json.readTree(browser.exchange(clientId, secret, REDIRECT_URI, code, browser.verifier())
                .body());
        String refreshToken = first.get("refresh_token").asText();

        HttpResponse<String> refreshed =
                browser.refresh(clientId, secret, refreshToken, "patient/Patient.rs offline_access");
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode second = json.readTree(refreshed.body());
        assertThat(Set.of(second.get("scope").asText().split(" ")))
                .containsExactlyInAnyOrder("patient/Patient.rs", "offline_access");
        assertThat(SignedJWT.parse(second.get("access_token").asText())
                        .getJWTClaimsSet()
                        .getStringClaim("scope"))
                .isEqualTo(second.get("scope").asText());
        String rotated = second.get("refresh_token").asText();
        assertThat(rotated).isNotEqualTo(refreshToken);
        String narrowed = second.get("access_token").asText();
        assertThat(send(anonymousRequest("/Patient/" + patientId).header("Authorization", "Bearer " + narrowed))
                        .statusCode())
                .isEqualTo(200);

        assertThat(browser.refresh(clientId, secret, refreshToken, null).statusCode())
                .as("the replaced refresh token")
                .isEqualTo(400);
        assertThat(browser.refresh(clientId, secret, rotated, "patient/*.cruds").statusCode())
                .as("a refresh cannot widen the scopes")
                .isEqualTo(400);
        assertThat(browser.refresh(clientId, secret, rotated, null).statusCode())
                .isEqualTo(200);
    }
}
