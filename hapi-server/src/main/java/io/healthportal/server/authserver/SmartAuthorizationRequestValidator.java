package io.healthportal.server.authserver;

import java.util.function.Consumer;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * SMART's rules for an authorization request, on top of Spring's: the redirect URI must equal a
 * registered one exactly (Spring lets a loopback URI take any port), PKCE is required of every client,
 * {@code aud} must be this server's FHIR base exactly, and the {@code launch} scope needs a live
 * {@code launch} value from an EHR. Errors about the redirect URI are shown, not
 * redirected; the others are redirected to the client with {@code state}.
 */
class SmartAuthorizationRequestValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    static final String AUD = "aud";

    private final Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> springDefaults =
            new OAuth2AuthorizationCodeRequestAuthenticationValidator();
    static final String LAUNCH = "launch";

    private final String fhirBase;
    private final LaunchContexts launches;

    SmartAuthorizationRequestValidator(String fhirBase, LaunchContexts launches) {
        this.fhirBase = fhirBase;
        this.launches = launches;
    }

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        // A registered broad scope also allows its category scopes, which GranularScopeOffer adds to
        // the request as choices for the consent page.
        RegisteredClient client = context.getRegisteredClient();
        springDefaults.accept(OAuth2AuthorizationCodeRequestAuthenticationContext.with(request)
                .registeredClient(RegisteredClient.from(client)
                        .scopes(scopes -> scopes.addAll(GranularScopeOffer.withNarrowerChoices(client.getScopes())))
                        .build())
                .build());
        String redirectUri = request.getRedirectUri();
        if (redirectUri == null
                || !context.getRegisteredClient().getRedirectUris().contains(redirectUri)) {
            throw error(
                    request, null, OAuth2ParameterNames.REDIRECT_URI, "redirect_uri must be a registered one, exactly");
        }
        if (request.getAdditionalParameters().get(PkceParameterNames.CODE_CHALLENGE) == null) {
            throw error(request, redirectUri, PkceParameterNames.CODE_CHALLENGE, "PKCE (S256) is required");
        }
        Object aud = request.getAdditionalParameters().get(AUD);
        if (!fhirBase.equals(aud)) {
            throw error(request, redirectUri, AUD, "aud must be this server's FHIR base URL, " + fhirBase);
        }
        if (request.getScopes().contains(LAUNCH)) {
            Object launch = request.getAdditionalParameters().get(LAUNCH);
            if (!(launch instanceof String value) || launches.find(value).isEmpty()) {
                throw error(request, redirectUri, LAUNCH, "launch is unknown, expired or already used");
            }
        }
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException error(
            OAuth2AuthorizationCodeRequestAuthenticationToken request,
            String redirectTo,
            String parameter,
            String description) {
        OAuth2AuthorizationCodeRequestAuthenticationToken result =
                new OAuth2AuthorizationCodeRequestAuthenticationToken(
                        request.getAuthorizationUri(),
                        request.getClientId(),
                        (Authentication) request.getPrincipal(),
                        redirectTo,
                        request.getState(),
                        request.getScopes(),
                        request.getAdditionalParameters());
        result.setAuthenticated(true);
        return new OAuth2AuthorizationCodeRequestAuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, description + " (" + parameter + ")", null), result);
    }
}
