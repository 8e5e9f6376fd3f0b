package io.healthportal.server.authserver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Spring Authorization Server's JDBC store with every token value (authorization codes, access,
 * refresh and ID tokens) kept only as its SHA-256 digest, so that a copy of the table grants nothing.
 * The tokens are long random values or signed JWTs, so an unsalted digest suffices to look them up.
 *
 * <p>A token read back from the table carries its digest as its value; when a client presents a
 * token, the authorization found for it carries the presented value again, which Spring's
 * introspection and revocation compare against. Digests are marked with a prefix so that saving an
 * authorization read back from the table does not digest them twice.
 */
class HashedTokenAuthorizationService extends JdbcOAuth2AuthorizationService {

    static final String DIGEST_PREFIX = "sha256:";

    HashedTokenAuthorizationService(JdbcOperations jdbc, RegisteredClientRepository clients) {
        super(jdbc, clients);
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        super.save(withTokens(authorization, HashedTokenAuthorizationService::digest));
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        if (tokenType != null && OAuth2ParameterNames.STATE.equals(tokenType.getValue())) {
            // The state of a pending consent is the server's own random handle, not a credential.
            return super.findByToken(token, tokenType);
        }
        String digest = digest(token);
        OAuth2Authorization found;
        try {
            found = super.findByToken(digest, tokenType);
        } catch (DataRetrievalFailureException clientGone) {
            // Spring cannot read back an authorization whose client has been deleted: it grants nothing.
            return null;
        }
        if (found == null) {
            return null;
        }
        return withTokens(found, value -> value.equals(digest) ? token : value);
    }

    static String digest(String value) {
        if (value.startsWith(DIGEST_PREFIX)) {
            return value;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return DIGEST_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface ValueMapping {
        String map(String value);
    }

    private static OAuth2Authorization withTokens(OAuth2Authorization authorization, ValueMapping mapping) {
        OAuth2Authorization.Builder builder = OAuth2Authorization.from(authorization);
        replace(builder, authorization.getToken(OAuth2AuthorizationCode.class), mapping);
        replace(builder, authorization.getToken(OAuth2AccessToken.class), mapping);
        replace(builder, authorization.getToken(OAuth2RefreshToken.class), mapping);
        replace(builder, authorization.getToken(OidcIdToken.class), mapping);
        replace(builder, authorization.getToken(OAuth2UserCode.class), mapping);
        replace(builder, authorization.getToken(OAuth2DeviceCode.class), mapping);
        return builder.build();
    }

    private static <T extends OAuth2Token> void replace(
            OAuth2Authorization.Builder builder, OAuth2Authorization.Token<T> token, ValueMapping mapping) {
        if (token == null) {
            return;
        }
        Map<String, Object> metadata = token.getMetadata();
        builder.token(copy(token.getToken(), mapping.map(token.getToken().getTokenValue())), m -> {
            m.clear();
            m.putAll(metadata);
        });
    }

    private static OAuth2Token copy(OAuth2Token token, String value) {
        if (token instanceof OAuth2AuthorizationCode) {
            return new OAuth2AuthorizationCode(value, token.getIssuedAt(), token.getExpiresAt());
        }
        if (token instanceof OAuth2AccessToken access) {
            return new OAuth2AccessToken(
                    access.getTokenType(), value, access.getIssuedAt(), access.getExpiresAt(), access.getScopes());
        }
        if (token instanceof OAuth2RefreshToken) {
            return new OAuth2RefreshToken(value, token.getIssuedAt(), token.getExpiresAt());
        }
        if (token instanceof OidcIdToken id) {
            return new OidcIdToken(value, id.getIssuedAt(), id.getExpiresAt(), id.getClaims());
        }
        if (token instanceof OAuth2UserCode) {
            return new OAuth2UserCode(value, token.getIssuedAt(), token.getExpiresAt());
        }
        if (token instanceof OAuth2DeviceCode) {
            return new OAuth2DeviceCode(value, token.getIssuedAt(), token.getExpiresAt());
        }
        throw new IllegalArgumentException(
                "Unknown token type " + token.getClass().getName());
    }
}
