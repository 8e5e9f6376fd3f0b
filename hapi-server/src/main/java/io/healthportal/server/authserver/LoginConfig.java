package io.healthportal.server.authserver;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Everything outside the authorization server's endpoints and {@code /fhir}: the login and consent
 * pages (a session, a form login with a TOTP step for staff, sign-in with external identity providers
 * when configured, CSRF tokens), and the probes and metrics, which stay open.
 */
@Configuration(proxyBeanMethods = false)
class LoginConfig {

    @Bean
    @Order(10)
    SecurityFilterChain loginFilterChain(HttpSecurity http, ObjectProvider<ExternalSignIn> externalSignIn)
            throws Exception {
        http.authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(
                                AuthorizationServerConfig.LOGIN_PAGE,
                                // The second step of a staff sign-in; it checks the session's pending sign-in itself.
                                SecondFactorLogin.CODE_PAGE,
                                ExternalSignIn.ERROR_PAGE,
                                // A provider's sign-in start; LoginController answers when none starts.
                                IdentityProviders.START_PATH + "/*",
                                "/error",
                                "/livez",
                                "/readyz",
                                "/auth.css",
                                AuthorizationServerConfig.SMART_STYLE_PATH,
                                // The embedded default's demo SMART app: an app of its own, not a portal page.
                                "/demo-app",
                                "/demo-app/**",
                                // Served only on the management port, where only health and prometheus
                                // are exposed (management.endpoints.web.exposure); the rest answer 404.
                                "/actuator/**")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .formLogin(form ->
                        form.loginPage(AuthorizationServerConfig.LOGIN_PAGE).successHandler(new SecondFactorLogin()))
                // Preflights of the token endpoint (OPTIONS) land here, not in the authorization server's chain.
                .cors(Customizer.withDefaults());
        // "Sign in with ..." external identity providers, when any is configured.
        ExternalSignIn external = externalSignIn.getIfAvailable();
        if (external != null) {
            external.configure(http);
        }
        return http.build();
    }
}
