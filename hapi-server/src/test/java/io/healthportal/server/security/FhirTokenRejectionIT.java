package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.testing.MintedTokens;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * {@code /fhir} refuses with 401 and {@code WWW-Authenticate} a token that is not one this server issued
 * for itself, and serves the request once the token is right. The test kits' own token checks (missing,
 * malformed, {@code alg: none}, expired, another audience) are in {@link SmartAcceptanceIT}; these are
 * the further ones.
 */
class FhirTokenRejectionIT extends FhirServerTestBase {

    @Autowired
    JWKSet signingKeys;

    @Autowired
    OAuth2AuthorizationService authorizations;

    @Autowired
    RegisteredClientRepository clients;

    private MintedTokens tokens;

    @BeforeEach
    void tokens() {
        tokens = new MintedTokens(signingKeys, authorizations, clients, "http://localhost:" + port, fhirBase());
    }

    @Test
    void aValidTokenFromTheTokenEndpointIsServed() {
        assertThat(send(request("/Patient?_count=1")).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenSignedByAnotherKeyIs401EvenWithTheServersKeyId() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048)
                .keyID(signingKeys.getKeys().get(0).getKeyID())
                .generate();
        assertRejected(MintedTokens.sign(tokens.validClaims(c -> {}), stranger));
    }

    @Test
    void aTokenFromAnotherIssuerIs401() {
        assertRejected(issued(
                MintedTokens.sign(tokens.validClaims(c -> c.issuer("https://other.example")), tokens.serverKey())));
    }

    @Test
    void theClaimsUsedAboveAreAcceptedWhenSignedByTheServer() {
        // Guards the tests above: they fail for the one thing each changes, not for the rest.
        String token = issued(MintedTokens.sign(tokens.validClaims(c -> {}), tokens.serverKey()));
        assertThat(send(anonymousRequest("/Patient?_count=1").header("Authorization", "Bearer " + token))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aTokenSignedByTheServerKeyButNeverIssuedIs401() {
        assertRejected(MintedTokens.sign(tokens.validClaims(c -> {}), tokens.serverKey()));
    }

    private String issued(String jwt) {
        return tokens.issued(jwt, systemClient.clientId());
    }

    private void assertRejected(String token) {
        HttpResponse<String> response = send(anonymousRequest("/Patient").header("Authorization", "Bearer " + token));
        assertThat(response.statusCode()).as("status for token %s", token).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }
}
