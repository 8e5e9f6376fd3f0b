package io.healthportal.server.authserver;

import java.util.Set;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * SMART issues a refresh token only when the app was granted {@code offline_access} or
 * {@code online_access}. Spring's generator, which this one delegates to, still gives none to public
 * clients (issue 3 asks for them too: not done yet).
 */
class SmartRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    static final Set<String> REFRESH_SCOPES = Set.of("offline_access", "online_access");

    private final OAuth2RefreshTokenGenerator delegate = new OAuth2RefreshTokenGenerator();

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                || context.getAuthorizedScopes().stream().noneMatch(REFRESH_SCOPES::contains)) {
            return null;
        }
        return delegate.generate(context);
    }
}
