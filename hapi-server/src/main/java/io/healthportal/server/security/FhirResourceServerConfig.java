package io.healthportal.server.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.healthportal.server.authserver.AuthProperties;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.config.PortalProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * {@code /fhir} as an OAuth resource server: every request needs a valid access token from this
 * server's authorization server, except the CapabilityStatement and the SMART configuration. A
 * missing, expired, malformed, unsigned, wrongly signed, wrong-audience or revoked token is a 401 with
 * {@code WWW-Authenticate}; what a valid token may do is decided inside HAPI by
 * {@link SmartAuthorizationInterceptor}. No setting turns this off.
 */
@Configuration(proxyBeanMethods = false)
class FhirResourceServerConfig {

    static final String SMART_CONFIGURATION_PATH = "/fhir/.well-known/smart-configuration";

    @Bean
    @Order(2)
    SecurityFilterChain fhirFilterChain(HttpSecurity http, JwtDecoder jwtDecoder) throws Exception {
        // Matched on the whole path: /fhir belongs to HAPI's servlet, not to Spring MVC.
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        http.securityMatcher(new OrRequestMatcher(paths.matcher("/fhir"), paths.matcher("/fhir/**")))
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(paths.matcher("/fhir/metadata"), paths.matcher(SMART_CONFIGURATION_PATH))
                        .permitAll()
                        // The API's description, like the CapabilityStatement it is made from, holds no
                        // patient data: an integrator reads it before holding any token.
                        .requestMatchers(
                                paths.matcher(HttpMethod.GET, "/fhir/api-docs"),
                                paths.matcher(HttpMethod.GET, "/fhir/swagger-ui/**"))
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer.jwt(jwt -> jwt.decoder(jwtDecoder)))
                .cors(Customizer.withDefaults())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Bearer tokens, no cookies: nothing for CSRF to ride on.
                .csrf(AbstractHttpConfigurer::disable);
        return http.build();
    }

    /** Verifies the access tokens this server signed (RS256) and that they are for this FHIR base. */
    @Bean
    JwtDecoder accessTokenDecoder(
            JWKSource<SecurityContext> signingKeys,
            PortalProperties portal,
            OAuth2AuthorizationService authorizations,
            RegisteredClientRepository clients,
            PortalUsers users,
            AuthProperties auth) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, signingKeys));
        processor.setJWTClaimsSetVerifier((claims, context) -> {});
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        String fhirBase = portal.fhirBaseUrl();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(portal.issuerUrl()),
                (Jwt jwt) -> jwt.getAudience() != null && jwt.getAudience().contains(fhirBase)
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new OAuth2Error(
                                OAuth2ErrorCodes.INVALID_TOKEN, "The token is not for this FHIR server", null)),
                // Last: only a token that passed every other check costs a lookup.
                new IssuedTokenValidator(authorizations, clients, users, auth.revocationCheckInterval())));
        return decoder;
    }
}
