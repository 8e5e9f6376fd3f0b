package io.healthportal.server.authserver;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The configured identity providers, as the sign-in page lists them and as Spring Security's OAuth 2.0
 * login needs them. A provider's discovery document is read on its first use, not at start, so the
 * portal starts (and password sign-in works) while a provider is unreachable; a failed read is tried
 * again next time.
 */
public class IdentityProviders implements ClientRegistrationRepository {

    /** Where a browser goes to sign in with a provider: {@code /login/with/{id}}. */
    static final String START_PATH = "/login/with";
    /** Where the provider sends the browser back: {@code /login/callback/{id}}. */
    static final String CALLBACK_PATH = "/login/callback";

    private static final Logger log = LoggerFactory.getLogger(IdentityProviders.class);

    /** What the sign-in page shows of a provider. */
    public record Choice(String id, String displayName) {}

    private final Map<String, IdentityProviderProperties.Provider> providers;
    private final String publicBaseUrl;
    private final Map<String, ClientRegistration> discovered = new ConcurrentHashMap<>();

    IdentityProviders(IdentityProviderProperties properties, String publicBaseUrl) {
        this.providers = properties.identityProviders();
        this.publicBaseUrl = publicBaseUrl;
    }

    public boolean isEmpty() {
        return providers.isEmpty();
    }

    public Optional<IdentityProviderProperties.Provider> provider(String id) {
        return Optional.ofNullable(id).map(providers::get);
    }

    /** The providers in the order of their display names. */
    public List<Choice> choices() {
        return providers.entrySet().stream()
                .map(entry -> new Choice(entry.getKey(), entry.getValue().displayName()))
                .sorted(Comparator.comparing(Choice::displayName))
                .toList();
    }

    /** The provider's registration, reading its discovery document first if not read yet; null if there is none. */
    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        IdentityProviderProperties.Provider provider = providers.get(registrationId);
        if (provider == null) {
            return null;
        }
        ClientRegistration known = discovered.get(registrationId);
        if (known != null) {
            return known;
        }
        try {
            ClientRegistration registration = discover(registrationId, provider);
            discovered.putIfAbsent(registrationId, registration);
            return registration;
        } catch (RuntimeException unreachable) {
            log.warn(
                    "Identity provider {}: discovery at {} failed: {}",
                    registrationId,
                    provider.issuerUri(),
                    unreachable.toString());
            return null;
        }
    }

    private ClientRegistration discover(String id, IdentityProviderProperties.Provider provider) {
        boolean publicClient = provider.clientSecret().isBlank();
        return org.springframework.security.oauth2.client.registration.ClientRegistrations.fromIssuerLocation(
                        provider.issuer())
                .registrationId(id)
                .clientName(provider.displayName())
                .clientId(provider.clientId())
                .clientSecret(publicClient ? null : provider.clientSecret())
                .clientAuthenticationMethod(
                        publicClient ? ClientAuthenticationMethod.NONE : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .scope(provider.scopes())
                .redirectUri(publicBaseUrl + CALLBACK_PATH + "/" + id)
                // Only the ID token's subject is used; nothing is fetched from the UserInfo endpoint.
                .userInfoUri(null)
                .build();
    }
}
