package io.healthportal.server.authserver;

import com.nimbusds.jose.jwk.JWKSet;
import io.healthportal.server.security.SystemRole;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
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

    /** Where clients register themselves (RFC 7591), relative to the issuer. */
    public static final String REGISTRATION_ENDPOINT = "/oauth2/register";

    /**
     * Client settings holding a Backend Services client's {@link SystemRole}: the role, and the partner id
     * or the Group id it names. Absent for a client without a role.
     */
    static final String ROLE_SETTING = "settings.client.portal.role";

    static final String PARTNER_ID_SETTING = "settings.client.portal.partner-id";
    static final String GROUP_SETTING = "settings.client.portal.group";

    /**
     * A Backend Services client ({@code client_credentials} with {@code private_key_jwt}) whose public
     * keys are registered inline, without a role.
     */
    public void registerBackendService(String clientId, String name, JWKSet publicKeys, Set<String> scopes) {
        registerBackendService(clientId, name, publicKeys, scopes, null);
    }

    /**
     * A Backend Services client whose public keys are fetched from its JWKS URL, so that it can rotate
     * them itself; without a role.
     */
    public void registerBackendService(String clientId, String name, URI jwksUri, Set<String> scopes) {
        registerBackendService(clientId, name, jwksUri, scopes, null);
    }

    /**
     * A Backend Services client with inline keys and {@code role} (null: none), which the access tokens
     * issued to it carry. Only an operator's configuration, the embedded default's demo clients and the
     * tests give a role: the admin API and RFC 7591 registration never do.
     */
    public void registerBackendService(
            String clientId, String name, JWKSet publicKeys, Set<String> scopes, SystemRole role) {
        registerBackendService(clientId, name, scopes, inline(publicKeys), role);
    }

    /** A Backend Services client with a JWKS URL and {@code role} (null: none). */
    public void registerBackendService(String clientId, String name, URI jwksUri, Set<String> scopes, SystemRole role) {
        registerBackendService(clientId, name, scopes, settings -> settings.jwkSetUrl(jwksUri.toString()), role);
    }

    /** The role of a Backend Services client, if it has one. */
    static Optional<SystemRole> role(RegisteredClient client) {
        String role = client.getClientSettings().getSetting(ROLE_SETTING);
        if (role == null) {
            return Optional.empty();
        }
        return Optional.of(SystemRole.of(
                role,
                client.getClientId(),
                client.getClientSettings().getSetting(PARTNER_ID_SETTING),
                client.getClientSettings().getSetting(GROUP_SETTING)));
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

    private static Consumer<ClientSettings.Builder> inline(JWKSet publicKeys) {
        if (publicKeys.getKeys().stream().anyMatch(key -> key.isPrivate())) {
            throw new IllegalArgumentException("Register public keys only");
        }
        return settings ->
                settings.setting(BackendServicesAssertionDecoderFactory.INLINE_JWKS_SETTING, publicKeys.toString(true));
    }

    private void registerBackendService(
            String clientId, String name, Set<String> scopes, Consumer<ClientSettings.Builder> keys, SystemRole role) {
        if (scopes.isEmpty() || !scopes.stream().allMatch(scope -> scope.startsWith("system/"))) {
            throw new IllegalArgumentException("Backend Services clients hold system/ scopes only: " + scopes);
        }
        ClientSettings.Builder settings =
                ClientSettings.builder().tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.ES384);
        if (role instanceof SystemRole.Partner partner) {
            settings.setting(ROLE_SETTING, SystemRole.PARTNER).setting(PARTNER_ID_SETTING, partner.partnerId());
        } else if (role instanceof SystemRole.EhrSystem ehr) {
            settings.setting(ROLE_SETTING, SystemRole.EHR_SYSTEM).setting(GROUP_SETTING, ehr.group());
        } else if (role instanceof SystemRole.PatientVerifier) {
            settings.setting(ROLE_SETTING, SystemRole.PATIENT_VERIFIER);
        }
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

    /** A client registered through RFC 7591: its id and, for a client with a secret, that secret, shown once. */
    record Registered(RegisteredClient client, String rawSecret) {}

    /**
     * Registers a client from checked RFC 7591 metadata under a new random {@code client_id}. A client
     * that authenticates with a secret gets a new random one, stored only as its bcrypt hash and returned
     * here once.
     */
    Registered register(ClientMetadata metadata) {
        String clientId = UUID.randomUUID().toString();
        String name = metadata.clientName() == null ? clientId : metadata.clientName();
        if (metadata.backendService()) {
            // Never a role: RFC 7591 metadata cannot name one (unknown metadata is ignored), deny by default.
            registerBackendService(clientId, name, metadata.scopes(), keys(metadata), null);
            return new Registered(clients.findByClientId(clientId), null);
        }
        RegisteredClient.Builder app = smartApp(clientId, name, metadata.redirectUris(), null, metadata.scopes())
                .clientIdIssuedAt(Instant.now());
        if (!metadata.grantTypes().contains(ClientMetadata.REFRESH_TOKEN)) {
            app.authorizationGrantTypes(grants -> grants.remove(AuthorizationGrantType.REFRESH_TOKEN));
        }
        String rawSecret = null;
        switch (metadata.authMethod()) {
            case NONE -> app.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
            case CLIENT_SECRET_BASIC -> {
                rawSecret = newSecret();
                app.clientSecret(passwordEncoder.encode(rawSecret))
                        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
            }
            case PRIVATE_KEY_JWT -> {
                ClientSettings.Builder settings = ClientSettings.withSettings(
                                app.build().getClientSettings().getSettings())
                        .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.ES384);
                keys(metadata).accept(settings);
                app.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
                        .clientSettings(settings.build());
            }
        }
        RegisteredClient client = app.build();
        save(client);
        return new Registered(client, rawSecret);
    }

    private static Consumer<ClientSettings.Builder> keys(ClientMetadata metadata) {
        return metadata.jwks() != null
                ? inline(metadata.jwks())
                : settings -> settings.jwkSetUrl(metadata.jwksUri().toString());
    }

    private static String newSecret() {
        byte[] random = new byte[32];
        SECRETS.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static final SecureRandom SECRETS = new SecureRandom();

    /** What every SMART app shares, public or confidential: everything but how it authenticates. */
    private RegisteredClient.Builder smartApp(
            String clientId, String name, String redirectUri, String launchUrl, Set<String> scopes) {
        return smartApp(clientId, name, List.of(redirectUri), launchUrl, scopes);
    }

    private RegisteredClient.Builder smartApp(
            String clientId, String name, Collection<String> redirectUris, String launchUrl, Set<String> scopes) {
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
                .redirectUris(uris -> uris.addAll(redirectUris))
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
