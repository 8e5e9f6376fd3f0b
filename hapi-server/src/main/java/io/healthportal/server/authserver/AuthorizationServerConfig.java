package io.healthportal.server.authserver;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.config.PortalProperties;
import java.text.ParseException;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AuthorizationCodeRequestAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AuthorizationConsentAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Authorization Server inside hapi-server, shaped for SMART on FHIR: clients, authorizations
 * and consents in PostgreSQL (token values hashed), signing keys from the configured key store, SMART
 * claims and request rules, Backend Services client assertions, and a consent that a person's role
 * limits. Its endpoints get a filter chain of their own; the FHIR API and the login pages have theirs.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfig {

    static final String LOGIN_PAGE = "/login";

    /** SMART's {@code smart_style_url}: the portal's colours and fonts, for apps to look like it. */
    static final String SMART_STYLE_PATH = "/smart-style.json";

    static final String CONSENT_PAGE = "/oauth2/consent";

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerFilterChain(
            HttpSecurity http,
            PortalProperties portal,
            PortalUsers users,
            RegisteredClientRepository clients,
            LaunchContexts launches,
            ClientAssertionReplays replays,
            OAuth2TokenCustomizer<JwtEncodingContext> tokenCustomizer,
            OAuth2AuthorizationService authorizations,
            OAuth2AuthorizationConsentService consents,
            JwtDecoder jwtDecoder)
            throws Exception {
        OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
        BackendServicesAssertionDecoderFactory assertions =
                new BackendServicesAssertionDecoderFactory(replays, Clock.systemUTC());
        OAuth2AccessTokenResponseAuthenticationSuccessHandler tokenResponse =
                new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
        String smartStyleUrl = portal.issuerUrl() + SMART_STYLE_PATH;
        tokenResponse.setAccessTokenResponseCustomizer(context -> addLaunchContext(context, smartStyleUrl));

        http.securityMatcher(server.getEndpointsMatcher())
                .with(
                        server,
                        as -> as.oidc(Customizer.withDefaults())
                                .authorizationEndpoint(endpoint -> endpoint.consentPage(CONSENT_PAGE)
                                        .authorizationResponseHandler(new PatientPicker.ResponseHandler(users))
                                        .authorizationRequestConverters(converters -> converters.replaceAll(converter ->
                                                converter instanceof OAuth2AuthorizationConsentAuthenticationConverter
                                                        ? new WithdrawnConsentScopes(
                                                                new RoleLimitedConsentConverter(converter, users),
                                                                authorizations,
                                                                consents)
                                                        : converter
                                                                        instanceof
                                                                        OAuth2AuthorizationCodeRequestAuthenticationConverter
                                                                ? new GranularScopeOffer.RequestConverter(converter)
                                                                : converter))
                                        .authenticationProviders(providers -> providers.forEach(provider -> {
                                            if (provider
                                                    instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider p) {
                                                p.setAuthenticationValidator(new SmartAuthorizationRequestValidator(
                                                        portal.fhirBaseUrl(), launches));
                                            }
                                            if (provider
                                                    instanceof OAuth2AuthorizationConsentAuthenticationProvider p) {
                                                p.setAuthorizationConsentCustomizer(
                                                        context -> limitToRole(context, users));
                                            }
                                        })))
                                .clientAuthentication(clientAuthentication -> clientAuthentication
                                        .authenticationConverters(converters -> {
                                            converters.add(0, new ClientAssertionWithoutClientIdConverter());
                                            converters.add(new PublicClientRefresh.Converter());
                                        })
                                        .authenticationProvider(new PublicClientRefresh.Provider(clients))
                                        .authenticationProviders(providers -> providers.forEach(provider -> {
                                            if (provider instanceof JwtClientAssertionAuthenticationProvider p) {
                                                p.setJwtDecoderFactory(assertions);
                                            }
                                        })))
                                .tokenEndpoint(token -> token.accessTokenResponseHandler(tokenResponse)
                                        .authenticationProviders(providers -> providers.forEach(provider -> {
                                            if (provider instanceof OAuth2ClientCredentialsAuthenticationProvider p) {
                                                p.setAuthenticationValidator(
                                                        new OAuth2ClientCredentialsAuthenticationValidator()
                                                                .andThen(AuthorizationServerConfig::systemScopesOnly));
                                            }
                                        }))))
                .cors(Customizer.withDefaults())
                .authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated())
                // The OpenID Connect UserInfo endpoint takes the access tokens this server issues.
                .oauth2ResourceServer(resourceServer -> resourceServer.jwt(jwt -> jwt.decoder(jwtDecoder)))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint()));
        return http.build();
    }

    /**
     * A browser (asking for HTML by name) is sent to the login page; any other client gets a 401 with
     * {@code WWW-Authenticate}.
     */
    private static AuthenticationEntryPoint entryPoint() {
        MediaTypeRequestMatcher browsers = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        browsers.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        LinkedHashMap<RequestMatcher, AuthenticationEntryPoint> entryPoints = new LinkedHashMap<>();
        entryPoints.put(browsers, new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE));
        DelegatingAuthenticationEntryPoint entryPoint = new DelegatingAuthenticationEntryPoint(entryPoints);
        entryPoint.setDefaultEntryPoint(new BearerTokenAuthenticationEntryPoint());
        return entryPoint;
    }

    /** Backend Services tokens carry system scopes only. */
    private static void systemScopesOnly(OAuth2ClientCredentialsAuthenticationContext context) {
        Set<String> scopes = context.<OAuth2ClientCredentialsAuthenticationToken>getAuthentication()
                .getScopes();
        if (scopes.isEmpty() || !scopes.stream().allMatch(scope -> scope.startsWith("system/"))) {
            throw new OAuth2AuthenticationException(new OAuth2Error(
                    OAuth2ErrorCodes.INVALID_SCOPE, "client_credentials grants system/ scopes only", null));
        }
    }

    /** Drops from a consent every scope the person's role may not grant, whatever the form sent. */
    private static void limitToRole(OAuth2AuthorizationConsentAuthenticationContext context, PortalUsers users) {
        Authentication principal = (Authentication) context.getAuthentication().getPrincipal();
        PortalRole role = users.find(principal.getName())
                .map(PortalUser::role)
                .orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.ACCESS_DENIED));
        context.getAuthorizationConsent()
                .authorities(authorities -> authorities.removeIf(authority -> {
                    String scope = scopeOf(authority);
                    return scope != null && !RoleScopePolicy.mayGrant(role, scope);
                }));
    }

    private static String scopeOf(GrantedAuthority authority) {
        String value = authority.getAuthority();
        return value.startsWith("SCOPE_") ? value.substring("SCOPE_".length()) : null;
    }

    /**
     * SMART's launch context in the token response: {@code patient} (and an EHR launch's {@code encounter})
     * when {@code launch/patient} or {@code launch} was granted and, with a patient in context,
     * {@code need_patient_banner} (always true: the portal never shows an app inside a frame of its own
     * that names the patient) and {@code smart_style_url}.
     */
    private static void addLaunchContext(OAuth2AccessTokenAuthenticationContext context, String smartStyleUrl) {
        OAuth2AccessTokenAuthenticationToken authentication = context.getAuthentication();
        var accessToken = authentication.getAccessToken();
        if (!accessToken.getScopes().contains("launch/patient")
                && !accessToken.getScopes().contains("launch")) {
            return;
        }
        try {
            var claims = SignedJWT.parse(accessToken.getTokenValue()).getJWTClaimsSet();
            Map<String, Object> parameters = new HashMap<>(authentication.getAdditionalParameters());
            for (String name :
                    new String[] {SmartTokenCustomizer.PATIENT_CLAIM, SmartTokenCustomizer.ENCOUNTER_CLAIM}) {
                if (claims.getClaim(name) != null) {
                    parameters.put(name, claims.getClaim(name));
                }
            }
            if (claims.getClaim(SmartTokenCustomizer.PATIENT_CLAIM) != null) {
                parameters.put("need_patient_banner", true);
                parameters.put("smart_style_url", smartStyleUrl);
            }
            context.getAccessTokenResponse().additionalParameters(parameters);
        } catch (ParseException e) {
            throw new IllegalStateException("The access token just issued is not a JWT", e);
        }
    }

    @Bean
    AuthSchemaVersion authSchema(DataSource dataSource) {
        return new AuthSchemaVersion(AuthSchema.migrate(dataSource));
    }

    /** Proof, for the beans below, that the authorization tables exist. */
    record AuthSchemaVersion(int migrationsApplied) {}

    /** Every registered client, disabled ones included: for registering and for administrators. */
    record AllClients(RegisteredClientRepository repository) {}

    @Bean
    AllClients allClients(JdbcTemplate jdbc, AuthSchemaVersion schema) {
        return new AllClients(new JdbcRegisteredClientRepository(jdbc));
    }

    @Bean
    EnabledClients registeredClientRepository(AllClients all, JdbcTemplate jdbc) {
        return new EnabledClients(all.repository(), jdbc);
    }

    @Bean
    ClientRegistrations clientRegistrations(
            AllClients clients, AuthProperties properties, PasswordEncoder passwordEncoder) {
        // Re-registering a disabled client (from configuration, at start) leaves it disabled.
        return new ClientRegistrations(clients.repository(), properties, passwordEncoder);
    }

    @Bean
    ConfiguredBackendClients configuredBackendClients(
            ConfiguredBackendClients.Properties properties, ClientRegistrations registrations) {
        return new ConfiguredBackendClients(properties, registrations);
    }

    @Bean
    LaunchContexts launchContexts(JdbcTemplate jdbc, AuthSchemaVersion schema) {
        return new LaunchContexts(jdbc, Clock.systemUTC());
    }

    @Bean
    ClientOrigins clientOrigins(JdbcTemplate jdbc, AuthSchemaVersion schema) {
        return new ClientOrigins(jdbc);
    }

    @Bean
    OAuth2AuthorizationService authorizationService(
            JdbcTemplate jdbc, RegisteredClientRepository clients, AuthSchemaVersion schema) {
        return new HashedTokenAuthorizationService(jdbc, clients);
    }

    @Bean
    OAuth2AuthorizationConsentService authorizationConsentService(
            JdbcTemplate jdbc, RegisteredClientRepository clients, AuthSchemaVersion schema) {
        return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
    }

    @Bean
    PortalUsers portalUsers(
            JdbcTemplate jdbc, PasswordEncoder passwordEncoder, LoginThrottle throttle, AuthSchemaVersion schema) {
        return new PortalUsers(jdbc, passwordEncoder, throttle);
    }

    @Bean
    StaffSecondFactor staffSecondFactor(JdbcTemplate jdbc, AuthProperties properties, AuthSchemaVersion schema) {
        StaffSecondFactor secondFactor = new StaffSecondFactor(
                jdbc,
                TotpSecretCipher.fromKeyFile(properties.totpKeyFile(), properties.createKeyStoreIfMissing()),
                Clock.systemUTC());
        secondFactor.encryptPlainSecrets();
        return secondFactor;
    }

    @Bean
    LoginThrottle loginThrottle(JdbcTemplate jdbc, AuthProperties properties, AuthSchemaVersion schema) {
        return new LoginThrottle(jdbc, Clock.systemUTC(), properties.loginMaxFailures(), properties.loginLock());
    }

    @Bean
    ClientAssertionReplays clientAssertionReplays(JdbcTemplate jdbc, AuthSchemaVersion schema) {
        return new ClientAssertionReplays(jdbc, Clock.systemUTC());
    }

    /** Passwords and client secrets: bcrypt, with the algorithm recorded beside each hash. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    JWKSet signingKeys(AuthProperties properties) {
        return SigningKeys.load(properties);
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(JWKSet signingKeys) {
        return new ImmutableJWKSet<>(signingKeys);
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> smartTokenCustomizer(
            PortalProperties portal, JWKSet signingKeys, PortalUsers users, LaunchContexts launches) {
        return new SmartTokenCustomizer(
                portal.fhirBaseUrl(), signingKeys.getKeys().get(0).getKeyID(), users, launches);
    }

    /**
     * Signed JWT access and ID tokens with the SMART claims, and refresh tokens only where SMART allows
     * them.
     */
    @Bean
    OAuth2TokenGenerator<?> tokenGenerator(
            JWKSource<SecurityContext> jwkSource, OAuth2TokenCustomizer<JwtEncodingContext> smartTokenCustomizer) {
        JwtGenerator jwts = new JwtGenerator(new NimbusJwtEncoder(jwkSource));
        jwts.setJwtCustomizer(smartTokenCustomizer);
        return new DelegatingOAuth2TokenGenerator(jwts, new SmartRefreshTokenGenerator());
    }

    /** The issuer is the public base URL; every endpoint hangs off it. */
    @Bean
    AuthorizationServerSettings authorizationServerSettings(PortalProperties portal) {
        return AuthorizationServerSettings.builder().issuer(portal.issuerUrl()).build();
    }
}
