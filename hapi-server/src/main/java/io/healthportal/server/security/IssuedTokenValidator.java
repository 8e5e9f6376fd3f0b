package io.healthportal.server.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.healthportal.server.authserver.PortalUser;
import io.healthportal.server.authserver.PortalUsers;
import java.time.Duration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * A signature is not enough: the access token must be one the authorization server still holds as
 * active, for a client still registered and, for a person, a user still enabled. So a revoked token,
 * or one whose client or user has gone, stops working; each answer is remembered for at most
 * {@code portal.auth.revocation-check-interval} (0: looked up on every request), which bounds how long
 * that takes.
 */
class IssuedTokenValidator implements OAuth2TokenValidator<Jwt> {

    private static final OAuth2Error INACTIVE = new OAuth2Error(
            OAuth2ErrorCodes.INVALID_TOKEN,
            "The token has been revoked, or its client or user is no longer active",
            null);

    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;
    private final PortalUsers users;
    private final Cache<String, Boolean> recentAnswers;

    IssuedTokenValidator(
            OAuth2AuthorizationService authorizations,
            RegisteredClientRepository clients,
            PortalUsers users,
            Duration recheckAfter) {
        this.authorizations = authorizations;
        this.clients = clients;
        this.users = users;
        this.recentAnswers = recheckAfter.isZero()
                ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(recheckAfter)
                        .maximumSize(100_000)
                        .build();
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        boolean active = recentAnswers == null
                ? active(jwt.getTokenValue())
                : recentAnswers.get(jwt.getTokenValue(), this::active);
        return active ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(INACTIVE);
    }

    private boolean active(String tokenValue) {
        OAuth2Authorization authorization = authorizations.findByToken(tokenValue, OAuth2TokenType.ACCESS_TOKEN);
        if (authorization == null) {
            return false;
        }
        OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
        if (token == null || token.isInvalidated() || clients.findById(authorization.getRegisteredClientId()) == null) {
            return false;
        }
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(authorization.getAuthorizationGrantType())) {
            return true;
        }
        return users.find(authorization.getPrincipalName())
                .map(PortalUser::enabled)
                .orElse(false);
    }
}
