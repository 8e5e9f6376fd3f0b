package io.healthportal.server.authserver;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Registers SMART clients with the rules every client here follows: PKCE for the authorization code
 * flow, exact redirect URIs, consent asked of the person, and Backend Services clients that hold
 * system scopes only and prove themselves with a key.
 */
public class ClientRegistrations {

    private final RegisteredClientRepository clients;
    private final AuthProperties properties;
    private final PasswordEncoder passwordEncoder;

    ClientRegistrations(
            RegisteredClientRepository clients, AuthProperties properties, PasswordEncoder passwordEncoder) {
        this.clients = clients;
        this.properties = properties;
        this.passwordEncoder = passwordEncoder;
    }

    /** Client setting that marks a Backend Services client as an EHR system, which may create launches. */
    static final String EHR_SYSTEM_SETTING = "settings.client.portal.ehr-system";

    /**
     * A Backend Services client ({@code client_credentials} with {@code private_key_jwt}) whose public
     * keys are registered inline.
     */
    public void registerBackendService(String clientId, String name, JWKSet publicKeys, Set<String> scopes) {
        registerBackendService(clientId, name, scopes, inline(publicKeys), false);
    }

    /**
     * A Backend Services client whose public keys are fetched from its JWKS URL, so that it can rotate
     * them itself.
     */
    public void registerBackendService(String clientId, String name, URI jwksUri, Set<String> scopes) {
        registerBackendService(clientId, name, scopes, settings -> settings.jwkSetUrl(jwksUri.toString()), false);
    }

    /** An EHR system: a Backend Services client that may also create EHR launch contexts. */
    public void registerEhrSystem(String clientId, String name, JWKSet publicKeys, Set<String> scopes) {
        registerBackendService(clientId, name, scopes, inline(publicKeys), true);
    }

    /**
     * Client setting holding a SMART app's launch URL: where an EHR (the EHR simulator here) opens the app
     * with {@code iss} and {@code launch}.
     */
    static final String LAUNCH_URL_SETTING = "settings.client.portal.launch-url";

    /** A SMART app's launch URL, for apps that can be launched from an EHR. */
    static Optional<String> launchUrl(RegisteredClient client) {
        return Optional.ofNullable(client.getClientSettings().<String>getSetting(LAUNCH_URL_SETTING));
    }

    static boolean isEhrSystem(RegisteredClient client) {
        return Boolean.TRUE.equals(client.getClientSettings().getSetting(EHR_SYSTEM_SETTING));
    }

    private static Consumer<ClientSettings.Builder> inline(JWKSet publicKeys) {
        if (publicKeys.getKeys().stream().anyMatch(key -> key.isPrivate())) {
            throw new IllegalArgumentException("Register public keys only");
        }
        return settings ->
                settings.setting(BackendServicesAssertionDecoderFactory.INLINE_JWKS_SETTING, publicKeys.toString(true));
    }

    private void registerBackendService(
            String clientId,
            String name,
            Set<String> scopes,
            Consumer<ClientSettings.Builder> keys,
            boolean ehrSystem) {
        if (scopes.isEmpty() || !scopes.stream().allMatch(scope -> scope.startsWith("system/"))) {
            throw new IllegalArgumentException("Backend Services clients hold system/ scopes only: " + scopes);
        }
        ClientSettings.Builder settings = ClientSettings.builder()
                .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.ES384)
                .setting(EHR_SYSTEM_SETTING, ehrSystem);
        keys.accept(settings);
        save(RegisteredClient.withId(existingIdOr(clientId))
                .clientId(clientId)
                .clientName(name)
                .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(s -> s.addAll(scopes))
                .clientSettings(settings.build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(properties.backendAccessTokenLifetime())
                        .build())
                .build());
    }

    /**
     * A public SMART app (a browser or phone app that cannot keep a secret): authorization code with
     * PKCE, one exact redirect URI, consent asked, and refresh tokens (bound to it, rotated on each use)
     * when it is granted {@code offline_access} or {@code online_access}.
     */
    public void registerPublicApp(String clientId, String name, String redirectUri, Set<String> scopes) {
        registerPublicApp(clientId, name, redirectUri, null, scopes);
    }

    /**
     * A public SMART app that an EHR can also launch: as above, with the launch URL an EHR opens with
     * {@code iss} and {@code launch} (null for an app that is only launched on its own).
     */
    public void registerPublicApp(
            String clientId, String name, String redirectUri, String launchUrl, Set<String> scopes) {
        save(smartApp(clientId, name, redirectUri, launchUrl, scopes)
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .build());
    }

    /**
     * A confidential SMART app with a client secret (HTTP Basic at the token endpoint), stored only as
     * its bcrypt hash: authorization code with PKCE, one exact redirect URI, consent asked, and refresh
     * tokens (rotated on each use) when it is granted {@code offline_access} or {@code online_access}.
     */
    public void registerConfidentialApp(
            String clientId, String name, String rawSecret, String redirectUri, Set<String> scopes) {
        save(smartApp(clientId, name, redirectUri, null, scopes)
                .clientSecret(passwordEncoder.encode(rawSecret))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .build());
    }

    /** What every SMART app shares, public or confidential: everything but how it authenticates. */
    private RegisteredClient.Builder smartApp(
            String clientId, String name, String redirectUri, String launchUrl, Set<String> scopes) {
        ClientSettings.Builder settings =
                ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(true);
        if (launchUrl != null) {
            settings.setting(LAUNCH_URL_SETTING, launchUrl);
        }
        return RegisteredClient.withId(existingIdOr(clientId))
                .clientId(clientId)
                .clientName(name)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri(redirectUri)
                .scopes(s -> s.addAll(scopes))
                .clientSettings(settings.build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(properties.userAccessTokenLifetime())
                        .refreshTokenTimeToLive(properties.refreshTokenLifetime())
                        .reuseRefreshTokens(false)
                        .build());
    }

    private String existingIdOr(String clientId) {
        RegisteredClient existing = clients.findByClientId(clientId);
        return existing == null ? UUID.randomUUID().toString() : existing.getId();
    }

    private void save(RegisteredClient client) {
        clients.save(client);
    }
}
