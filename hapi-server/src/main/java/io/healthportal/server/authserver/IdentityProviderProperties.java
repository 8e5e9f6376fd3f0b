package io.healthportal.server.authserver;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * External OpenID Connect identity providers people may sign in with instead of a password
 * ({@code portal.auth.identity-providers.<id>}); none by default. An external identity signs in only
 * the portal account an administrator linked it to ({@link ExternalIdentities}).
 */
@Validated
@ConfigurationProperties("portal.auth")
public record IdentityProviderProperties(Map<String, @Valid Provider> identityProviders) {

    public IdentityProviderProperties {
        identityProviders = identityProviders == null ? Map.of() : Map.copyOf(identityProviders);
    }

    /** Which accounts a provider may sign in. */
    public enum Accounts {
        PATIENTS,
        STAFF;

        boolean admits(PortalRole role) {
            return this == STAFF ? role.staff() : !role.staff();
        }
    }

    /**
     * One provider.
     *
     * @param displayName shown on the sign-in page: "Sign in with {displayName}"
     * @param issuerUri the provider's issuer; its OpenID Connect discovery document is read from it on
     *     first use
     * @param clientId the portal's client id at the provider
     * @param clientSecret the portal's client secret at the provider, from the environment or a mounted
     *     file, never the repository; empty for a public client (PKCE only)
     * @param accounts {@code patients} or {@code staff}: the only accounts it may sign in
     * @param scopes what the portal asks the provider for besides {@code openid}, which is all it needs
     *     (the subject); none by default
     * @param acceptMfaClaim whether a staff sign-in whose ID token's {@code amr} holds one of {@code
     *     mfaMethods} skips the portal's own TOTP step; false by default (TOTP still asked)
     * @param mfaMethods the {@code amr} values (RFC 8176) taken as multi-factor; {@code mfa}, {@code
     *     otp}, {@code hwk} by default
     */
    public record Provider(
            @NotBlank String displayName,
            @NotNull URI issuerUri,
            @NotBlank String clientId,
            String clientSecret,
            @NotNull Accounts accounts,
            Set<String> scopes,
            boolean acceptMfaClaim,
            Set<String> mfaMethods) {

        public Provider {
            // openid always: the subject of the ID token is what links the person to their account.
            Set<String> asked = new java.util.TreeSet<>(scopes == null ? Set.of() : scopes);
            asked.add("openid");
            scopes = Set.copyOf(asked);
            mfaMethods =
                    mfaMethods == null || mfaMethods.isEmpty() ? Set.of("mfa", "otp", "hwk") : Set.copyOf(mfaMethods);
            clientSecret = clientSecret == null ? "" : clientSecret;
        }

        /** The issuer as ID tokens name it and as links store it. */
        public String issuer() {
            return issuerUri.toString();
        }

        @Override
        public String toString() {
            // Never the secret.
            return "Provider[" + displayName + ", " + issuerUri + ", " + accounts + "]";
        }
    }
}
