package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.FhirServerTestBase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * {@code /fhir} answers 401 with {@code WWW-Authenticate} to every request whose token is missing or
 * not one this server issued for itself, and serves the request once the token is right.
 */
class FhirTokenRejectionIT extends FhirServerTestBase {

    @Autowired
    JWKSet signingKeys;

    @Autowired
    OAuth2AuthorizationService authorizations;

    @Autowired
    RegisteredClientRepository clients;

    @Test
    void aRequestWithoutATokenIs401WithWwwAuthenticate() {
        HttpResponse<String> response = send(anonymousRequest("/Patient"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void aValidTokenFromTheTokenEndpointIsServed() {
        assertThat(send(request("/Patient?_count=1")).statusCode()).isEqualTo(200);
    }

    @Test
    void aMalformedTokenIs401() {
        assertRejected("not-a-jwt");
        assertRejected("a.b.c");
    }

    @Test
    void anUnsignedTokenIs401() {
        String unsigned = new PlainJWT(validClaims(c -> {}).build()).serialize();
        assertRejected(unsigned);
        // The same with a header claiming "alg":"none" written by hand.
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(validClaims(c -> {}).build().toString().getBytes());
        assertRejected(header + "." + payload + ".");
    }

    @Test
    void aTokenSignedByAnotherKeyIs401EvenWithTheServersKeyId() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048)
                .keyID(signingKeys.getKeys().get(0).getKeyID())
                .generate();
        assertRejected(sign(validClaims(c -> {}), stranger));
    }

    @Test
    void anExpiredTokenIs401() throws Exception {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        assertRejected(issued(sign(
                validClaims(c -> c.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(300)))),
                serverKey())));
    }

    @Test
    void aTokenForAnotherAudienceIs401() throws Exception {
        assertRejected(issued(sign(validClaims(c -> c.audience("https://other.example/fhir")), serverKey())));
        assertRejected(issued(sign(validClaims(c -> c.audience(fhirBase() + "/")), serverKey())));
    }

    @Test
    void aTokenFromAnotherIssuerIs401() throws Exception {
        assertRejected(issued(sign(validClaims(c -> c.issuer("https://other.example")), serverKey())));
    }

    @Test
    void theClaimsUsedAboveAreAcceptedWhenSignedByTheServer() throws Exception {
        // Guards the tests above: they fail for the one thing each changes, not for the rest.
        String token = issued(sign(validClaims(c -> {}), serverKey()));
        assertThat(send(anonymousRequest("/Patient?_count=1").header("Authorization", "Bearer " + token))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aTokenSignedByTheServerKeyButNeverIssuedIs401() throws Exception {
        assertRejected(sign(validClaims(c -> {}), serverKey()));
    }

    /**
     * Records a token minted here as if the token endpoint had issued it to the tests' system client, so
     * that each test above fails for the one claim it changes.
     */
    private String issued(String jwt) throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
        RegisteredClient client = clients.findByClientId(systemClient.clientId());
        authorizations.save(OAuth2Authorization.withRegisteredClient(client)
                .principalName(client.getClientId())
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .token(new OAuth2AccessToken(
                        OAuth2AccessToken.TokenType.BEARER,
                        jwt,
                        claims.getIssueTime().toInstant(),
                        claims.getExpirationTime().toInstant()))
                .build());
        return jwt;
    }

    private void assertRejected(String token) {
        HttpResponse<String> response = send(anonymousRequest("/Patient").header("Authorization", "Bearer " + token));
        assertThat(response.statusCode()).as("status for token %s", token).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    private JWTClaimsSet.Builder validClaims(Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("http://localhost:" + port)
                .subject("test")
                // A token of its own per call: RS256 signatures are deterministic, so two tests minting the
                // same claims within one second would otherwise share a token (and its "issued" record).
                .jwtID(java.util.UUID.randomUUID().toString())
                .audience(fhirBase())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("scope", "system/*.cruds");
        change.accept(claims);
        return claims;
    }

    private RSAKey serverKey() {
        return (RSAKey) signingKeys.getKeys().get(0);
    }

    private static String sign(JWTClaimsSet.Builder claims, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
