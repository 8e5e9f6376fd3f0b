package io.healthportal.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Access tokens made by a test rather than the token endpoint, to check that {@code /fhir} refuses a
 * token for the one claim a test changes: valid claims for the FHIR base, signed with any key, and
 * optionally recorded as if the token endpoint had issued them to a registered client.
 */
public final class MintedTokens {

    private final JWKSet signingKeys;
    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;
    private final String issuer;
    private final String fhirBase;

    public MintedTokens(
            JWKSet signingKeys,
            OAuth2AuthorizationService authorizations,
            RegisteredClientRepository clients,
            String issuer,
            String fhirBase) {
        this.signingKeys = signingKeys;
        this.authorizations = authorizations;
        this.clients = clients;
        this.issuer = issuer;
        this.fhirBase = fhirBase;
    }

    /** Claims the server would accept, changed by {@code change}. */
    public JWTClaimsSet.Builder validClaims(Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("test")
                // A token of its own per call: RS256 signatures are deterministic, so two tests minting the
                // same claims within one second would otherwise share a token (and its "issued" record).
                .jwtID(UUID.randomUUID().toString())
                .audience(fhirBase)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("scope", "system/*.cruds");
        change.accept(claims);
        return claims;
    }

    /** The server's own active signing key. */
    public RSAKey serverKey() {
        return (RSAKey) signingKeys.getKeys().get(0);
    }

    /** {@code claims} signed RS256 by {@code key}. */
    public static String sign(JWTClaimsSet.Builder claims, RSAKey key) {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /**
     * Records {@code jwt} as if the token endpoint had issued it to {@code clientId}, so that a token
     * refused afterwards is refused for its claims, not for never having been issued.
     */
    public String issued(String jwt, String clientId) {
        try {
            JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
            RegisteredClient client = clients.findByClientId(clientId);
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
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
