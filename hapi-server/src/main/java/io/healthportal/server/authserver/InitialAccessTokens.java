package io.healthportal.server.authserver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The initial access tokens (RFC 7591 §3) that open dynamic client registration: bearer tokens an
 * administrator hands to whoever may register a client. Only their SHA-256 digests are configured, so
 * neither the configuration nor the repository holds a usable token; with none configured, registration
 * is closed.
 */
class InitialAccessTokens {

    private final List<byte[]> digests;

    InitialAccessTokens(Properties properties) {
        this.digests = properties.initialAccessTokenSha256().stream()
                .map(hex -> HexFormat.of().parseHex(hex.trim().toLowerCase(Locale.ROOT)))
                .toList();
        if (digests.stream().anyMatch(digest -> digest.length != 32)) {
            throw new IllegalStateException(
                    "portal.auth.registration.initial-access-token-sha256 holds SHA-256 digests in hex (64 digits)");
        }
    }

    /** Whether the {@code Authorization} header carries one of the configured tokens. */
    boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = sha256(authorizationHeader.substring(7).trim());
        boolean match = false;
        for (byte[] digest : digests) {
            // Every digest compared in constant time, so the timing tells nothing.
            match |= MessageDigest.isEqual(digest, presented);
        }
        return match;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code portal.auth.registration}.
     *
     * @param initialAccessTokenSha256 the SHA-256 digests (hex) of the initial access tokens that may
     *     register clients, e.g. {@code printf %s "$TOKEN" | sha256sum}; empty closes registration
     */
    @ConfigurationProperties("portal.auth.registration")
    record Properties(List<String> initialAccessTokenSha256) {
        Properties {
            initialAccessTokenSha256 = initialAccessTokenSha256 == null ? List.of() : initialAccessTokenSha256;
        }
    }
}
