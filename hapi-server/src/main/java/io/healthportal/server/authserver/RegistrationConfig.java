package io.healthportal.server.authserver;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * RFC 7591 registration: its caller presents an initial access token, an opaque bearer token this chain
 * cannot verify as a JWT, so {@link ClientRegistrationController} checks it on every request.
 */
@Configuration(proxyBeanMethods = false)
class RegistrationConfig {

    @Bean
    @Order(4)
    SecurityFilterChain registrationFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher(ClientRegistrationController.PATH))
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // A bearer token in a header, no cookies: nothing for CSRF to ride on.
                .csrf(AbstractHttpConfigurer::disable);
        return http.build();
    }

    @Bean
    InitialAccessTokens initialAccessTokens(InitialAccessTokens.Properties properties) {
        return new InitialAccessTokens(properties);
    }
}
