package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.server.FhirServerTestBase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Extension;
import org.junit.jupiter.api.Test;

/** What a SMART app reads before it starts: the SMART configuration and the CapabilityStatement. */
class SmartDiscoveryIT extends FhirServerTestBase {

    private final ObjectMapper json = new ObjectMapper();

    private String issuer() {
        return "http://localhost:" + port;
    }

    @Test
    void smartConfigurationIsOpenAndNamesTheEndpointsOfThisServer() throws Exception {
        HttpResponse<String> response = send(anonymousRequest("/.well-known/smart-configuration"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode configuration = json.readTree(response.body());
        assertThat(configuration.get("issuer").asText()).isEqualTo(issuer());
        assertThat(configuration.get("authorization_endpoint").asText()).isEqualTo(issuer() + "/oauth2/authorize");
        assertThat(configuration.get("token_endpoint").asText()).isEqualTo(issuer() + "/oauth2/token");
        assertThat(configuration.get("jwks_uri").asText()).isEqualTo(issuer() + "/oauth2/jwks");
        assertThat(configuration.get("revocation_endpoint").asText()).isEqualTo(issuer() + "/oauth2/revoke");
        assertThat(configuration.get("introspection_endpoint").asText()).isEqualTo(issuer() + "/oauth2/introspect");
        assertThat(texts(configuration.get("code_challenge_methods_supported"))).containsExactly("S256");
        assertThat(texts(configuration.get("token_endpoint_auth_signing_alg_values_supported")))
                .containsExactlyInAnyOrder("RS384", "ES384");
        assertThat(texts(configuration.get("grant_types_supported")))
                .containsExactlyInAnyOrder("authorization_code", "client_credentials", "refresh_token");
        assertThat(texts(configuration.get("token_endpoint_auth_methods_supported")))
                .containsExactlyInAnyOrder("client_secret_basic", "private_key_jwt");
        assertThat(texts(configuration.get("capabilities")))
                .contains("launch-standalone", "context-standalone-patient", "permission-v2", "permission-v1")
                .contains("launch-ehr", "context-ehr-patient", "context-ehr-encounter")
                .doesNotContain("authorize-post", "context-banner", "context-style");
    }

    @Test
    void everyEndpointTheConfigurationNamesAnswers() throws Exception {
        JsonNode configuration = json.readTree(
                send(anonymousRequest("/.well-known/smart-configuration")).body());

        HttpResponse<String> jwks = send(
                HttpRequest.newBuilder(URI.create(configuration.get("jwks_uri").asText())));
        assertThat(jwks.statusCode()).isEqualTo(200);
        JsonNode keys = json.readTree(jwks.body()).get("keys");
        assertThat(keys).isNotEmpty();
        keys.forEach(key -> {
            assertThat(key.get("kty").asText()).isEqualTo("RSA");
            assertThat(key.has("d")).as("no private part published").isFalse();
        });
        // The token endpoint refuses a request without client authentication, as OAuth says.
        HttpResponse<String> token = send(HttpRequest.newBuilder(
                        URI.create(configuration.get("token_endpoint").asText()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertThat(token.statusCode()).as(token.headers().map().toString()).isEqualTo(401);
    }

    @Test
    void capabilityStatementIsOpenAndDeclaresSmartWithItsOauthUris() {
        CapabilityStatement statement = anonymousClient()
                .capabilities()
                .ofType(CapabilityStatement.class)
                .execute();

        var security = statement.getRestFirstRep().getSecurity();
        assertThat(security.getService())
                .flatExtracting(concept -> concept.getCoding())
                .extracting(coding -> coding.getCode())
                .contains("SMART-on-FHIR");
        Extension uris =
                security.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        assertThat(uris).isNotNull();
        assertThat(uris.getExtensionByUrl("authorize").getValue().primitiveValue())
                .isEqualTo(issuer() + "/oauth2/authorize");
        assertThat(uris.getExtensionByUrl("token").getValue().primitiveValue()).isEqualTo(issuer() + "/oauth2/token");
        assertThat(uris.getExtensionByUrl("revoke").getValue().primitiveValue()).isEqualTo(issuer() + "/oauth2/revoke");
        assertThat(uris.getExtensionByUrl("introspect").getValue().primitiveValue())
                .isEqualTo(issuer() + "/oauth2/introspect");
    }

    private static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> values = new java.util.ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
