package io.healthportal.server.authserver;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * What follows an external identity provider's answer, once Spring Security has verified its ID token
 * (signature, issuer, audience, expiry, nonce): the identity (issuer and subject) must be linked to a
 * portal account, which must be enabled and of the kind the provider may sign in. Then the person is
 * signed in as that account, exactly as after its password, and staff go on to their TOTP code unless
 * the provider is trusted for multi-factor authentication and its {@code amr} claim shows it. Anything
 * else ends on an error page, signed in as no one. Every outcome is published for the audit trail.
 */
class ExternalSignIn implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

    static final String ERROR_PAGE = "/login/provider-error";

    private static final Logger log = LoggerFactory.getLogger(ExternalSignIn.class);

    /** Why a sign-in was refused, as the error page's {@code reason} names it. */
    enum Refusal {
        UNLINKED("unlinked", "no portal account is linked to this identity"),
        WRONG_ACCOUNT_KIND("wrong-account", "the provider may not sign in this kind of account"),
        DISABLED("disabled", "account disabled"),
        FAILED("failed", "the provider's answer was refused");

        final String code;
        final String auditText;

        Refusal(String code, String auditText) {
            this.code = code;
            this.auditText = auditText;
        }
    }

    private final IdentityProviders providers;
    private final ExternalIdentities identities;
    private final PortalUsers users;
    private final SecondFactorLogin login;
    private final ApplicationEventPublisher events;

    ExternalSignIn(
            IdentityProviders providers,
            ExternalIdentities identities,
            PortalUsers users,
            SecondFactorLogin login,
            ApplicationEventPublisher events) {
        this.providers = providers;
        this.identities = identities;
        this.users = users;
        this.login = login;
        this.events = events;
    }

    @Override
    public void onAuthenticationSuccess(
            HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException, ServletException {
        OAuth2AuthenticationToken token = (OAuth2AuthenticationToken) authentication;
        String providerId = token.getAuthorizedClientRegistrationId();
        OidcUser identity = (OidcUser) token.getPrincipal();
        IdentityProviderProperties.Provider provider =
                providers.provider(providerId).orElseThrow();
        String subject = identity.getSubject();
        // The ID token's issuer was checked against the provider's; links are stored under it.
        Optional<PortalUser> user = identities
                .username(identity.getIdToken().getClaimAsString("iss"), subject)
                .flatMap(users::find);
        if (user.isEmpty()) {
            refuse(request, response, providerId, null, subject, Refusal.UNLINKED);
            return;
        }
        PortalUser account = user.get();
        if (!account.enabled()) {
            refuse(request, response, providerId, account.username(), subject, Refusal.DISABLED);
            return;
        }
        if (!provider.accounts().admits(account.role())) {
            refuse(request, response, providerId, account.username(), subject, Refusal.WRONG_ACCOUNT_KIND);
            return;
        }
        boolean multiFactor = provider.acceptMfaClaim() && multiFactor(identity, provider);
        // The same principal a password sign-in makes: the authorization server stores only Spring's types.
        UserDetails details = users.loadUserByUsername(account.username());
        UsernamePasswordAuthenticationToken signedIn =
                UsernamePasswordAuthenticationToken.authenticated(details, null, details.getAuthorities());
        signedIn.setDetails(new WebAuthenticationDetails(request));
        events.publishEvent(new AccountEvents.ProviderSignIn(
                account.username(),
                providerId,
                subject,
                true,
                "signed in with identity provider " + providerId
                        + (multiFactor ? "; its multi-factor authentication (amr) accepted in place of TOTP" : ""),
                request.getRemoteAddr()));
        log.debug("Signed in {} through identity provider {}", account.username(), providerId);
        login.externalSignIn(request, response, signedIn, multiFactor);
    }

    /** The provider's answer itself was refused: a bad ID token, a wrong nonce or state, an error from it. */
    @Override
    public void onAuthenticationFailure(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        String uri = request.getRequestURI();
        String named = uri.substring(uri.lastIndexOf('/') + 1);
        // The path is the caller's: only a configured id goes into the log and the audit trail.
        String providerId = providers.provider(named).isPresent() ? named : "(unknown)";
        String code = exception instanceof OAuth2AuthenticationException oauth
                ? oauth.getError().getErrorCode()
                : exception.getClass().getSimpleName();
        log.info("Sign-in through identity provider {} refused: {}", providerId, code);
        events.publishEvent(new AccountEvents.ProviderSignIn(
                null,
                providerId,
                null,
                false,
                "identity provider " + providerId + ": " + Refusal.FAILED.auditText + " (" + code + ")",
                request.getRemoteAddr()));
        signOut(request, response);
        response.sendRedirect(errorPage(request, providerId, Refusal.FAILED));
    }

    /**
     * Adds OpenID Connect sign-in to the login filter chain: {@code /login/with/{id}} sends the browser to
     * the provider (authorization code with PKCE, {@code state} and {@code nonce}), {@code
     * /login/callback/{id}} takes the answer, and this class decides what follows.
     */
    void configure(HttpSecurity http) throws Exception {
        DefaultOAuth2AuthorizationRequestResolver requests =
                new DefaultOAuth2AuthorizationRequestResolver(providers, IdentityProviders.START_PATH);
        // PKCE for confidential clients too (public ones get it anyway); the nonce comes with openid.
        requests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        http.oauth2Login(oauth -> oauth.loginPage(AuthorizationServerConfig.LOGIN_PAGE)
                .clientRegistrationRepository(providers)
                .authorizedClientRepository(new NothingKept())
                .authorizationEndpoint(endpoint ->
                        endpoint.authorizationRequestResolver(new AvailableProvidersOnly(requests, providers)))
                .redirectionEndpoint(endpoint -> endpoint.baseUri(IdentityProviders.CALLBACK_PATH + "/*"))
                .successHandler(this)
                .failureHandler(this));
    }

    /**
     * Starts a sign-in only with a provider that is configured and whose discovery document could be
     * read; otherwise the request goes on to {@code LoginController}, which tells the person (Spring's own
     * resolver would fail the request with a 500).
     */
    private record AvailableProvidersOnly(OAuth2AuthorizationRequestResolver resolver, IdentityProviders providers)
            implements OAuth2AuthorizationRequestResolver {

        @Override
        public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
            String path =
                    request.getRequestURI().substring(request.getContextPath().length());
            String prefix = IdentityProviders.START_PATH + "/";
            if (path.startsWith(prefix) && providers.findByRegistrationId(path.substring(prefix.length())) == null) {
                return null;
            }
            return resolver.resolve(request);
        }

        @Override
        public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String registrationId) {
            return providers.findByRegistrationId(registrationId) == null
                    ? null
                    : resolver.resolve(request, registrationId);
        }
    }

    /** The provider's access token is of no use to the portal: it is not kept anywhere. */
    private static final class NothingKept implements OAuth2AuthorizedClientRepository {

        @Override
        public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(
                String clientRegistrationId, Authentication principal, HttpServletRequest request) {
            return null;
        }

        @Override
        public void saveAuthorizedClient(
                OAuth2AuthorizedClient authorizedClient,
                Authentication principal,
                HttpServletRequest request,
                HttpServletResponse response) {}

        @Override
        public void removeAuthorizedClient(
                String clientRegistrationId,
                Authentication principal,
                HttpServletRequest request,
                HttpServletResponse response) {}
    }

    private static boolean multiFactor(OidcUser identity, IdentityProviderProperties.Provider provider) {
        List<String> amr = identity.getIdToken().getClaimAsStringList("amr");
        return amr != null && amr.stream().anyMatch(provider.mfaMethods()::contains);
    }

    private void refuse(
            HttpServletRequest request,
            HttpServletResponse response,
            String providerId,
            String username,
            String subject,
            Refusal refusal)
            throws IOException {
        log.info("Sign-in through identity provider {} refused: {}", providerId, refusal.code);
        events.publishEvent(new AccountEvents.ProviderSignIn(
                username,
                providerId,
                subject,
                false,
                "identity provider " + providerId + ": " + refusal.auditText,
                request.getRemoteAddr()));
        signOut(request, response);
        response.sendRedirect(errorPage(request, providerId, refusal));
    }

    /**
     * Spring Security signed the provider's identity in before this handler ran: undone here, with any
     * password sign-in this browser left waiting for its code.
     */
    private static void signOut(HttpServletRequest request, HttpServletResponse response) {
        request.getSession().removeAttribute(SecondFactorLogin.PENDING);
        SecurityContext empty = SecurityContextHolder.createEmptyContext();
        SecurityContextHolder.setContext(empty);
        SecondFactorLogin.CONTEXTS.saveContext(empty, request, response);
    }

    private static String errorPage(HttpServletRequest request, String providerId, Refusal refusal) {
        return request.getContextPath() + ERROR_PAGE + "?provider="
                + URLEncoder.encode(providerId, StandardCharsets.UTF_8) + "&reason=" + refusal.code;
    }
}
