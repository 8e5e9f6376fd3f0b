package io.healthportal.server.authserver;

import io.healthportal.server.config.PortalProperties;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Sign-in with external OpenID Connect identity providers ({@link IdentityProviderProperties}). The
 * links between external identities and portal accounts always exist, so administrators can manage
 * them; the sign-in itself ({@link ExternalSignIn}) only when at least one provider is configured.
 */
@Configuration(proxyBeanMethods = false)
class ExternalLoginConfig {

    @Bean
    IdentityProviders identityProviders(IdentityProviderProperties properties, PortalProperties portal) {
        return new IdentityProviders(properties, portal.issuerUrl());
    }

    @Bean
    ExternalIdentities externalIdentities(JdbcTemplate jdbc, AuthorizationServerConfig.AuthSchemaVersion schema) {
        return new ExternalIdentities(jdbc);
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(ProvidersConfigured.class)
    static class SignIn {

        @Bean
        ExternalSignIn externalSignIn(
                IdentityProviders providers,
                ExternalIdentities identities,
                PortalUsers users,
                ApplicationEventPublisher events) {
            return new ExternalSignIn(providers, identities, users, new SecondFactorLogin(), events);
        }
    }

    /** Whether {@code portal.auth.identity-providers} names any provider. */
    static class ProvidersConfigured extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean any = Binder.get(context.getEnvironment())
                    .bind("portal.auth.identity-providers", Bindable.mapOf(String.class, String.class))
                    .map(Map::isEmpty)
                    .map(empty -> !empty)
                    .orElse(false);
            return any
                    ? ConditionOutcome.match("identity providers configured")
                    : ConditionOutcome.noMatch("no identity providers configured");
        }
    }
}
