package io.healthportal.server.authserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** RFC 7591 client metadata as this server accepts it, and the error code of each refusal. */
class ClientMetadataTest {

    private final ObjectMapper json = new ObjectMapper();

    private ClientMetadata parse(String body) throws Exception {
        return ClientMetadata.parse(json.readTree(body));
    }

    private AbstractThrowableAssert<?, ?> refused(String body, String error) {
        return assertThatThrownBy(() -> parse(body))
                .isInstanceOf(ClientMetadata.Invalid.class)
                .satisfies(e -> assertThat(((ClientMetadata.Invalid) e).error()).isEqualTo(error));
    }

    @Test
    void aPublicAppWithPkceNeedsRedirectUrisAndScopes() throws Exception {
        ClientMetadata metadata = parse("""
                {"client_name":"Diary","token_endpoint_auth_method":"none",
                 "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
                 "redirect_uris":["https://diary.example/cb","http://127.0.0.1:9000/cb"],
                 "scope":"openid fhirUser launch/patient patient/Observation.rs offline_access",
                 "logo_uri":"https://diary.example/logo.png"}
                """);

        assertThat(metadata.authMethod()).isEqualTo(ClientMetadata.AuthMethod.NONE);
        assertThat(metadata.grantTypes()).containsExactlyInAnyOrder("authorization_code", "refresh_token");
        assertThat(metadata.redirectUris()).hasSize(2);
        assertThat(metadata.scopes()).contains("patient/Observation.rs", "offline_access");
        assertThat(metadata.backendService()).isFalse();
    }

    @Test
    void defaultsAreRfc7591sClientSecretBasicAndAuthorizationCode() throws Exception {
        ClientMetadata metadata = parse("""
                {"redirect_uris":["https://app.example/cb"],"scope":"user/*.rs"}
                """);

        assertThat(metadata.authMethod()).isEqualTo(ClientMetadata.AuthMethod.CLIENT_SECRET_BASIC);
        assertThat(metadata.grantTypes()).containsExactly("authorization_code");
    }

    @Test
    void aBackendServiceHoldsSystemScopesAndAKey() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_384).keyID("k1").generate();
        String jwks = "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}";
        ClientMetadata metadata = parse("{\"token_endpoint_auth_method\":\"private_key_jwt\","
                + "\"grant_types\":[\"client_credentials\"],\"scope\":\"system/Patient.rs\",\"jwks\":" + jwks + "}");

        assertThat(metadata.backendService()).isTrue();
        assertThat(metadata.jwks().getKeys()).hasSize(1);

        refused(
                "{\"token_endpoint_auth_method\":\"private_key_jwt\",\"grant_types\":[\"client_credentials\"],"
                        + "\"scope\":\"patient/Patient.rs\",\"jwks\":" + jwks + "}",
                "invalid_client_metadata");
        refused(
                        "{\"token_endpoint_auth_method\":\"private_key_jwt\",\"grant_types\":[\"client_credentials\"],"
                                + "\"scope\":\"system/Patient.rs\",\"jwks\":{\"keys\":[" + key.toJSONString() + "]}}",
                        "invalid_client_metadata")
                .hasMessageContaining("public keys only");
        refused(
                "{\"token_endpoint_auth_method\":\"client_secret_basic\",\"grant_types\":[\"client_credentials\"],"
                        + "\"scope\":\"system/Patient.rs\"}",
                "invalid_client_metadata");
        refused(
                        "{\"token_endpoint_auth_method\":\"private_key_jwt\",\"grant_types\":[\"client_credentials\"],"
                                + "\"scope\":\"system/Patient.rs\"}",
                        "invalid_client_metadata")
                .hasMessageContaining("jwks");
    }

    @Test
    void redirectUrisAreExactHttpsOrLoopbackWithoutFragment() {
        for (String uri : new String[] {
            "http://app.example/cb", "https://app.example/cb#frag", "/relative", "javascript:alert(1)", "not a uri"
        }) {
            refused(
                    "{\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"" + uri
                            + "\"],\"scope\":\"openid\"}",
                    "invalid_redirect_uri");
        }
        refused("{\"token_endpoint_auth_method\":\"none\",\"scope\":\"openid\"}", "invalid_redirect_uri");
    }

    @Test
    void aNativePublicAppMayUseAReverseDomainScheme() throws Exception {
        assertThat(parse("""
                        {"token_endpoint_auth_method":"none","redirect_uris":["uk.example.diary:/cb"],"scope":"openid"}
                        """).redirectUris()).containsExactly("uk.example.diary:/cb");
        refused("{\"redirect_uris\":[\"uk.example.diary:/cb\"],\"scope\":\"openid\"}", "invalid_redirect_uri");
    }

    @Test
    void badMetadataIsInvalidClientMetadata() {
        refused("[]", "invalid_client_metadata");
        refused("{\"redirect_uris\":[\"https://a.example/cb\"]}", "invalid_client_metadata")
                .hasMessageContaining("scope");
        refused("{\"redirect_uris\":[\"https://a.example/cb\"],\"scope\":\"system/*.rs\"}", "invalid_client_metadata");
        refused("{\"redirect_uris\":[\"https://a.example/cb\"],\"scope\":\"admin\"}", "invalid_client_metadata");
        refused(
                "{\"redirect_uris\":[\"https://a.example/cb\"],\"scope\":\"openid\","
                        + "\"token_endpoint_auth_method\":\"client_secret_post\"}",
                "invalid_client_metadata");
        refused(
                "{\"redirect_uris\":[\"https://a.example/cb\"],\"scope\":\"openid\",\"grant_types\":[\"implicit\"]}",
                "invalid_client_metadata");
        refused(
                "{\"redirect_uris\":[\"https://a.example/cb\"],\"scope\":\"openid\",\"response_types\":[\"token\"]}",
                "invalid_client_metadata");
        refused("{\"redirect_uris\":\"https://a.example/cb\",\"scope\":\"openid\"}", "invalid_client_metadata");
        refused(
                "{\"redirect_uris\":[\"https://a.example/cb\"],\"scope\":\"openid\",\"jwks_uri\":\"https://a.example/k\"}",
                "invalid_client_metadata");
    }

    @Test
    void softwareStatementsAreRefused() {
        refused(
                "{\"software_statement\":\"eyJhbGciOiJSUzI1NiJ9.e30.c2ln\",\"redirect_uris\":[\"https://a.example/cb\"],"
                        + "\"scope\":\"openid\"}",
                "invalid_software_statement");
    }
}
