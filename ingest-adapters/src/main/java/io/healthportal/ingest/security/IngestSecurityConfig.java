package io.healthportal.ingest.security;

import io.healthportal.ingest.config.IngestProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The HTTP intake ({@code /ingest/**}) and the operator API ({@code /operator/**}) need a bearer token
 * issued by hapi-server; which caller may do what is decided by the endpoints themselves (a partner
 * only on its own path, an administrator on the operator API). The probes, the client's public key
 * and the metrics on the management port carry no patient data and stay open.
 */
@Configuration
class IngestSecurityConfig {

    @Bean
    SecurityFilterChain callerFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/ingest/**", "/operator/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.jwt(jwt -> {}))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Bearer tokens only, no cookies: nothing for a cross-site request to ride on.
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** hapi-server's tokens: its signature, its issuer, not expired. */
    @Bean
    JwtDecoder hapiServerTokens(CallerProperties callers, IngestProperties ingest) {
        String issuer = issuer(callers, ingest);
        String jwksUri = callers.jwksUri() != null ? callers.jwksUri().toString() : issuer + "/oauth2/jwks";
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwksUri).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(issuer));
        return decoder;
    }

    static String issuer(CallerProperties callers, IngestProperties ingest) {
        if (callers.issuer() != null) {
            return withoutTrailingSlash(callers.issuer().toString());
        }
        String fhirBase = withoutTrailingSlash(ingest.fhirBaseUrl().toString());
        return fhirBase.endsWith("/fhir") ? fhirBase.substring(0, fhirBase.length() - "/fhir".length()) : fhirBase;
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
