package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.testing.BackendServicesTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * SMART Backend Services: {@code client_credentials} with a signed client assertion, {@code exp} at
 * most five minutes ahead, system scopes only. The test kits' checks (the token itself, a replayed
 * {@code jti}, a wrong {@code alg}, revocation and introspection) are in {@link SmartAcceptanceIT}.
 */
class BackendServicesIT extends FhirServerTestBase {

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    JdbcTemplate jdbc;

    private BackendServicesTestClient newClient(String... scopes) {
        return BackendServicesTestClient.register(
                registrations, "http://localhost:" + port + "/oauth2/token", Set.of(scopes));
    }

    @Test
    void aClientIdSentBesideTheAssertionMustBeTheSameClient() {
        BackendServicesTestClient client = newClient("system/Patient.rs");
        BackendServicesTestClient other = newClient("system/Patient.rs");

        assertThat(client.requestToken(Map.of(
                                "scope", "system/Patient.rs",
                                "client_id", client.clientId(),
                                "client_assertion", client.assertion()))
                        .statusCode())
                .isEqualTo(200);
        assertThat(client.requestToken(Map.of(
                                "scope", "system/Patient.rs",
                                "client_id", other.clientId(),
                                "client_assertion", client.assertion()))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void anAssertionExpiringMoreThanFiveMinutesAheadIsRefused() {
        BackendServicesTestClient client = newClient("system/Patient.rs");
        String longLived = client.assertion(
                claims -> claims.expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))), client.key());

        assertThat(client.requestToken(Map.of("scope", "system/Patient.rs", "client_assertion", longLived))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void anAssertionWithoutJtiOrForAnotherAudienceIsRefused() {
        BackendServicesTestClient client = newClient("system/Patient.rs");

        assertThat(client.requestToken(Map.of(
                                "scope",
                                "system/Patient.rs",
                                "client_assertion",
                                client.assertion(claims -> claims.jwtID(null), client.key())))
                        .statusCode())
                .isEqualTo(401);
        assertThat(client.requestToken(Map.of(
                                "scope",
                                "system/Patient.rs",
                                "client_assertion",
                                client.assertion(claims -> claims.audience(fhirBase()), client.key())))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void anAssertionSignedByAnUnregisteredKeyIsRefused() throws Exception {
        BackendServicesTestClient client = newClient("system/Patient.rs");
        ECKey stranger =
                new ECKeyGenerator(Curve.P_384).keyID(client.key().getKeyID()).generate();

        assertThat(client.requestToken(Map.of(
                                "scope", "system/Patient.rs", "client_assertion", client.assertion(c -> {}, stranger)))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void onlySystemScopesTheClientHoldsAreGranted() {
        BackendServicesTestClient client = newClient("system/Patient.rs");

        HttpResponse<String> patientScope =
                client.requestToken(Map.of("scope", "patient/Patient.rs", "client_assertion", client.assertion()));
        assertThat(patientScope.statusCode()).isEqualTo(400);
        assertThat(patientScope.body()).contains("invalid_scope");
        HttpResponse<String> moreThanHeld =
                client.requestToken(Map.of("scope", "system/*.cruds", "client_assertion", client.assertion()));
        assertThat(moreThanHeld.statusCode()).isEqualTo(400);
        assertThat(moreThanHeld.body()).contains("invalid_scope");
    }

    @Test
    void aTokenWhoseClientIsNoLongerRegisteredStopsWorking() {
        BackendServicesTestClient client = newClient("system/Patient.rs");
        String token = client.accessToken();
        assertThat(readPatients(token).statusCode()).isEqualTo(200);

        jdbc.update("DELETE FROM oauth2_registered_client WHERE client_id = ?", client.clientId());

        assertThat(readPatients(token).statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> readPatients(String token) {
        return send(anonymousRequest("/Patient?_count=1").header("Authorization", "Bearer " + token));
    }

    @Test
    void registeringABackendClientWithANonSystemScopeFails() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> newClient("user/*.cruds"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
