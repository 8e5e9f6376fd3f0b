package io.healthportal.server.authserver;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;

/**
 * Verifies SMART Backend Services client assertions: signed with RS384 or ES384 by a key in the
 * client's registered JWKS (inline or by URL), {@code iss} and {@code sub} the client, {@code aud} the
 * token endpoint, an {@code exp} at most five minutes ahead, and a {@code jti} never seen before from
 * this client.
 */
class BackendServicesAssertionDecoderFactory implements JwtDecoderFactory<RegisteredClient> {

    /** Client setting holding the client's public keys as a JWKS document. */
    static final String INLINE_JWKS_SETTING = "settings.client.portal.jwks";

    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384);
    private static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final ClientAssertionReplays replays;
    private final Clock clock;
    private final Map<String, JWKSource<SecurityContext>> remoteKeySources = new ConcurrentHashMap<>();

    BackendServicesAssertionDecoderFactory(ClientAssertionReplays replays, Clock clock) {
        this.replays = replays;
        this.clock = clock;
    }

    @Override
    public JwtDecoder createDecoder(RegisteredClient client) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keySource(client)));
        // Claims are checked below, by Spring's validators, with OAuth error descriptions.
        processor.setJWTClaimsSetVerifier((claims, context) -> {});
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        decoder.setJwtValidator(validator(client.getClientId()));
        return decoder;
    }

    private JWKSource<SecurityContext> keySource(RegisteredClient client) {
        Object inline = client.getClientSettings().getSetting(INLINE_JWKS_SETTING);
        if (inline instanceof String json) {
            try {
                return new ImmutableJWKSet<>(JWKSet.parse(json));
            } catch (ParseException e) {
                throw new IllegalStateException("Client " + client.getClientId() + " has an unreadable JWKS", e);
            }
        }
        String url = client.getClientSettings().getJwkSetUrl();
        if (url == null) {
            throw new IllegalStateException("Client " + client.getClientId() + " has no registered keys");
        }
        return remoteKeySources.computeIfAbsent(client.getClientId() + " " + url, key -> {
            try {
                return JWKSourceBuilder.create(URI.create(url).toURL()).build();
            } catch (MalformedURLException e) {
                throw new IllegalStateException("Client " + client.getClientId() + " has a bad JWKS URL", e);
            }
        });
    }

    private OAuth2TokenValidator<Jwt> validator(String clientId) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        JwtTimestampValidator timestamps = new JwtTimestampValidator(CLOCK_SKEW);
        timestamps.setClock(clock);
        validators.add(timestamps);
        validators.add(jwt -> clientId.equals(jwt.getClaimAsString("iss")) && clientId.equals(jwt.getSubject())
                ? OAuth2TokenValidatorResult.success()
                : failure("iss and sub must both be the client_id"));
        validators.add(jwt -> jwt.getAudience() != null && jwt.getAudience().contains(tokenEndpoint())
                ? OAuth2TokenValidatorResult.success()
                : failure("aud must be the token endpoint " + tokenEndpoint()));
        validators.add(jwt -> {
            Instant expiresAt = jwt.getExpiresAt();
            if (expiresAt == null) {
                return failure("exp is required");
            }
            return expiresAt.isAfter(clock.instant().plus(MAX_LIFETIME).plus(CLOCK_SKEW))
                    ? failure("exp must be at most five minutes ahead")
                    : OAuth2TokenValidatorResult.success();
        });
        // Last, so that only an assertion that passed everything else uses up its jti.
        validators.add(jwt -> {
            String jti = jwt.getId();
            if (jti == null || jti.isBlank()) {
                return failure("jti is required");
            }
            return replays.firstUse(clientId, jti, jwt.getExpiresAt())
                    ? OAuth2TokenValidatorResult.success()
                    : failure("jti has been used before");
        });
        // Stops at the first failure (Spring's delegating validator runs them all).
        return jwt -> validators.stream()
                .map(validator -> validator.validate(jwt))
                .filter(OAuth2TokenValidatorResult::hasErrors)
                .findFirst()
                .orElse(OAuth2TokenValidatorResult.success());
    }

    private static String tokenEndpoint() {
        var context = AuthorizationServerContextHolder.getContext();
        return context.getIssuer() + context.getAuthorizationServerSettings().getTokenEndpoint();
    }

    private static OAuth2TokenValidatorResult failure(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
    }
}
