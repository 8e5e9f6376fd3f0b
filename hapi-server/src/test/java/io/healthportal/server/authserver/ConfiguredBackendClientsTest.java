package io.healthportal.server.authserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.healthportal.server.security.SystemRole;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

class ConfiguredBackendClientsTest {

    private final InMemoryRegisteredClientRepository repository =
            new InMemoryRegisteredClientRepository(RegisteredClient.withId("seed")
                    .clientId("seed")
                    .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                    .authorizationGrantType(
                            org.springframework.security.oauth2.core.AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("https://seed.example/callback")
                    .build());
    private final ClientRegistrations registrations = new ClientRegistrations(
            repository,
            new AuthProperties(
                    Path.of("unused.p12"),
                    "unused",
                    null,
                    false,
                    Duration.ofHours(1),
                    Duration.ofMinutes(5),
                    Duration.ofDays(90),
                    Duration.ofSeconds(30),
                    5,
                    Duration.ofMinutes(15),
                    Path.of("unused.key")),
            PasswordEncoderFactories.createDelegatingPasswordEncoder());

    @Test
    void registersClientsWithInlineKeysAndWithAKeyUrl() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_384)
                .keyID("k1")
                .algorithm(JWSAlgorithm.ES384)
                .generate();
        String jwks = new JWKSet(key.toPublicJWK()).toString();

        run(Map.of(
                "lab-system",
                new ConfiguredBackendClients.Client("Partner lab", jwks, null, List.of("system/Observation.crus")),
                "ingest-adapters",
                new ConfiguredBackendClients.Client(
                        null,
                        null,
                        URI.create("http://localhost:8090/.well-known/jwks.json"),
                        List.of("system/Patient.crus", "system/Observation.crus"))));

        RegisteredClient lab = repository.findByClientId("lab-system");
        assertThat(lab.getClientName()).isEqualTo("Partner lab");
        assertThat(lab.getClientAuthenticationMethods()).containsExactly(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
        assertThat(lab.getScopes()).containsExactly("system/Observation.crus");
        assertThat((String)
                        lab.getClientSettings().getSetting(BackendServicesAssertionDecoderFactory.INLINE_JWKS_SETTING))
                .contains("\"kid\":\"k1\"")
                .doesNotContain("\"d\"");
        RegisteredClient ingest = repository.findByClientId("ingest-adapters");
        assertThat(ingest.getClientName()).isEqualTo("ingest-adapters");
        assertThat(ingest.getClientSettings().getJwkSetUrl()).isEqualTo("http://localhost:8090/.well-known/jwks.json");
        assertThat(ingest.getScopes()).containsExactlyInAnyOrder("system/Patient.crus", "system/Observation.crus");
    }

    @Test
    void aClientNamesItsKeysExactlyOnceAndHoldsSystemScopesOnly() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_384).generate();
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        URI uri = URI.create("https://partner.example/jwks.json");

        assertThatThrownBy(() -> run(Map.of(
                        "both", new ConfiguredBackendClients.Client(null, jwks, uri, List.of("system/Patient.rs")))))
                .hasMessageContaining("exactly one of jwks");
        assertThatThrownBy(() -> run(Map.of(
                        "neither",
                        new ConfiguredBackendClients.Client(null, null, null, List.of("system/Patient.rs")))))
                .hasMessageContaining("exactly one of jwks");
        assertThatThrownBy(() -> run(Map.of(
                        "user-scoped", new ConfiguredBackendClients.Client(null, null, uri, List.of("user/*.rs")))))
                .hasMessageContaining("system/ scopes only");
        assertThatThrownBy(() -> run(Map.of(
                        "private",
                        new ConfiguredBackendClients.Client(
                                null, new JWKSet(key).toString(false), null, List.of("system/Patient.rs")))))
                .hasMessageContaining("public keys only");
        assertThat(repository.findByClientId("both")).isNull();
    }

    @Test
    void aClientMayBeAPartnerNamedByItsIdOrAnEhrSystemWithItsGroup() {
        URI uri = URI.create("https://partner.example/jwks.json");

        run(Map.of(
                "ingest-demo-lab",
                new ConfiguredBackendClients.Client(
                        null, null, uri, List.of("system/Observation.crus"), "partner", "demo-lab", null),
                "demo-pharmacy",
                new ConfiguredBackendClients.Client(
                        null, null, uri, List.of("system/MedicationDispense.crus"), "partner", null, null),
                "city-ehr",
                new ConfiguredBackendClients.Client(
                        null, null, uri, List.of("system/*.rs"), "ehr-system", null, "city-ehr-patients"),
                "smart-apps",
                new ConfiguredBackendClients.Client(null, null, uri, List.of("system/Appointment.rs"))));

        assertThat(ClientRegistrations.role(repository.findByClientId("ingest-demo-lab")))
                .contains(new SystemRole.Partner("demo-lab"));
        assertThat(ClientRegistrations.role(repository.findByClientId("demo-pharmacy")))
                .contains(new SystemRole.Partner("demo-pharmacy"));
        assertThat(ClientRegistrations.role(repository.findByClientId("city-ehr")))
                .contains(new SystemRole.EhrSystem("city-ehr-patients"));
        assertThat(ClientRegistrations.role(repository.findByClientId("smart-apps")))
                .isEmpty();
    }

    @Test
    void aRoleNeedsItsOwnParameterAndNoOther() {
        URI uri = URI.create("https://partner.example/jwks.json");
        List<String> scopes = List.of("system/Patient.rs");

        assertThatThrownBy(() -> run(Map.of(
                        "no-group",
                        new ConfiguredBackendClients.Client(null, null, uri, scopes, "ehr-system", null, null))))
                .hasMessageContaining("group");
        assertThatThrownBy(() -> run(Map.of(
                        "both",
                        new ConfiguredBackendClients.Client(null, null, uri, scopes, "partner", "lab", "patients"))))
                .hasMessageContaining("group is for the ehr-system role only");
        assertThatThrownBy(() -> run(Map.of(
                        "unknown",
                        new ConfiguredBackendClients.Client(null, null, uri, scopes, "administrator", null, null))))
                .hasMessageContaining("partner, ehr-system or patient-verifier");
        assertThatThrownBy(() -> run(Map.of(
                        "verifier-with-group",
                        new ConfiguredBackendClients.Client(
                                null, null, uri, List.of("system/Patient.u"), "patient-verifier", null, "patients"))))
                .hasMessageContaining("takes no partner-id or group");
        assertThatThrownBy(() -> run(Map.of(
                        "no-role", new ConfiguredBackendClients.Client(null, null, uri, scopes, null, "lab", null))))
                .hasMessageContaining("without a role");
        assertThatThrownBy(() -> run(Map.of(
                        "bad-id",
                        new ConfiguredBackendClients.Client(null, null, uri, scopes, "partner", "a|b", null))))
                .hasMessageContaining("partner id");
        assertThat(repository.findByClientId("no-group")).isNull();
    }

    private void run(Map<String, ConfiguredBackendClients.Client> clients) {
        new ConfiguredBackendClients(new ConfiguredBackendClients.Properties(clients), registrations)
                .run(new DefaultApplicationArguments());
    }
}
