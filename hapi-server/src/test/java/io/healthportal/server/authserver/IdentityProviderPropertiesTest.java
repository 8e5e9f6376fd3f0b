package io.healthportal.server.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

class IdentityProviderPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @Conditional(ExternalLoginConfig.ProvidersConfigured.class)
    static class OnlyWithProviders {
        @Bean
        String signInWithProviders() {
            return "on";
        }
    }

    private final ApplicationContextRunner contexts =
            new ApplicationContextRunner().withUserConfiguration(OnlyWithProviders.class);

    @Test
    void theExternalSignInIsWiredOnlyWhenAProviderIsConfigured() {
        contexts.run(context -> assertThat(context).doesNotHaveBean("signInWithProviders"));
        contexts.withPropertyValues(
                        "portal.auth.identity-providers.nhs.display-name=NHS login",
                        "portal.auth.identity-providers.nhs.issuer-uri=https://idp.example")
                .run(context -> assertThat(context).hasBean("signInWithProviders"));
    }

    @Test
    void openidIsAlwaysAskedForAndTheProvidersMfaIsNotTrustedUnlessSaid() {
        IdentityProviderProperties.Provider provider = new IdentityProviderProperties.Provider(
                "NHS login",
                URI.create("https://idp.example"),
                "portal",
                null,
                IdentityProviderProperties.Accounts.PATIENTS,
                Set.of("profile"),
                false,
                null);

        assertThat(provider.scopes()).containsExactlyInAnyOrder("openid", "profile");
        assertThat(provider.mfaMethods()).containsExactlyInAnyOrder("mfa", "otp", "hwk");
        assertThat(provider.acceptMfaClaim()).isFalse();
        assertThat(provider.clientSecret()).isEmpty();
    }

    @Test
    void aProviderForPatientsAdmitsOnlyPatientsAndOneForStaffOnlyStaff() {
        assertThat(IdentityProviderProperties.Accounts.PATIENTS.admits(PortalRole.PATIENT))
                .isTrue();
        for (PortalRole staff : Set.of(PortalRole.PRACTITIONER, PortalRole.RECEPTIONIST, PortalRole.ADMINISTRATOR)) {
            assertThat(IdentityProviderProperties.Accounts.PATIENTS.admits(staff))
                    .as(staff.name())
                    .isFalse();
            assertThat(IdentityProviderProperties.Accounts.STAFF.admits(staff))
                    .as(staff.name())
                    .isTrue();
        }
        assertThat(IdentityProviderProperties.Accounts.STAFF.admits(PortalRole.PATIENT))
                .isFalse();
    }

    @Test
    void theSecretIsNeverInTheProvidersText() {
        IdentityProviderProperties.Provider provider = new IdentityProviderProperties.Provider(
                "Staff SSO",
                URI.create("https://sso.example"),
                "portal",
                "very-secret-value",
                IdentityProviderProperties.Accounts.STAFF,
                null,
                true,
                Set.of("mfa"));

        assertThat(provider.toString()).doesNotContain("very-secret-value");
    }
}
