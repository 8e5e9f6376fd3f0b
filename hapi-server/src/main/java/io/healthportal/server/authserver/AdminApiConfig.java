package io.healthportal.server.authserver;

import io.healthportal.server.security.RoleLimit;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The admin API takes the same bearer tokens as {@code /fhir}, and only those of a person whose role
 * (the {@code portal_role} claim) is administrator: anyone else gets a 403, a missing or bad token a 401.
 */
@Configuration(proxyBeanMethods = false)
class AdminApiConfig {

    @Bean
    @Order(6)
    SecurityFilterChain adminApiFilterChain(HttpSecurity http, JwtDecoder jwtDecoder, ApplicationEventPublisher events)
            throws Exception {
        AccessDeniedHandler refuse = new BearerTokenAccessDeniedHandler();
        http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher(AdminController.PATH + "/**"))
                .authorizeHttpRequests(authorize -> authorize
                        .anyRequest()
                        .access((authentication, request) ->
                                new AuthorizationDecision(authentication.get() instanceof JwtAuthenticationToken token
                                        && PortalRole.ADMINISTRATOR
                                                .claimValue()
                                                .equals(token.getToken().getClaimAsString(RoleLimit.CLAIM)))))
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.decoder(jwtDecoder))
                        // A valid token without the role: audited as a refused admin request, then 403.
                        .accessDeniedHandler((request, response, denied) -> {
                            if (SecurityContextHolder.getContext().getAuthentication()
                                    instanceof JwtAuthenticationToken token) {
                                Jwt caller = token.getToken();
                                events.publishEvent(new AccountEvents.AdminAction(
                                        caller.getSubject(),
                                        caller.getClaimAsString("fhirUser"),
                                        caller.getClaimAsString("client_id"),
                                        caller.getId(),
                                        "refused",
                                        "request",
                                        request.getMethod() + " " + request.getRequestURI(),
                                        HttpStatus.FORBIDDEN.value(),
                                        request.getRemoteAddr()));
                            }
                            refuse.handle(request, response, denied);
                        }))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Bearer tokens, no cookies: nothing for CSRF to ride on.
                .csrf(AbstractHttpConfigurer::disable);
        return http.build();
    }
}
