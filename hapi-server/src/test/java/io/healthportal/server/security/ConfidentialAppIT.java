package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A confidential SMART app with a client secret: the secret's storage, and refresh tokens only with
 * {@code offline_access} or {@code online_access}. HTTP Basic at the token endpoint and refresh with
 * narrowed scopes are in {@link SmartAcceptanceIT}.
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
    void withoutOfflineAccessThereIsNoRefreshToken() throws Exception {
        String code = code(
                "launch/patient patient/Patient.rs offline_access", List.of("launch/patient", "patient/Patient.rs"));

        JsonNode token = json.readTree(browser.exchange(clientId, secret, REDIRECT_URI, code, browser.verifier())
                .body());

        assertThat(token.has("access_token")).isTrue();
        assertThat(token.has("refresh_token")).isFalse();
    }
}
