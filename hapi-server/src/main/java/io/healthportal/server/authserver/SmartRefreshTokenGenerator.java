package io.healthportal.server.authserver;

import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * SMART issues a refresh token only when the app was granted {@code offline_access} or
 * {@code online_access}, to confidential and public clients alike (Spring's own generator gives none to
 * public clients). Each use replaces it ({@code reuseRefreshTokens=false} on every client).
 */
class SmartRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    static final Set<String> REFRESH_SCOPES = Set.of("offline_access", "online_access");

    private final StringKeyGenerator values =
            new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                || context.getAuthorizedScopes().stream().noneMatch(REFRESH_SCOPES::contains)) {
            return null;
        }
        Instant issuedAt = Instant.now();
        return new OAuth2RefreshToken(
                values.generateKey(),
                issuedAt,
                issuedAt.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive()));
    }
}
