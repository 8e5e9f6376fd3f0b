package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A submitted consent form is the person's whole answer to the scopes the app asked for this time: a
 * scope they consented to before but left unticked now is withdrawn from their stored consent. Spring
 * Authorization Server's consent provider adds every asked scope found in the stored consent back to the
 * grant, whatever the form sent, so the withdrawal has to happen before it reads the consent. Scopes
 * consented to before and not asked now stay; {@code openid} comes with the sign-in and is never on the
 * page. A form that does not match a pending authorization of this person changes nothing (the provider
 * refuses it).
 */
final class WithdrawnConsentScopes implements AuthenticationConverter {

    private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);
    private static final String SCOPE_AUTHORITY = "SCOPE_";

    private final AuthenticationConverter delegate;
    private final OAuth2AuthorizationService authorizations;
    private final OAuth2AuthorizationConsentService consents;

    WithdrawnConsentScopes(
            AuthenticationConverter delegate,
            OAuth2AuthorizationService authorizations,
            OAuth2AuthorizationConsentService consents) {
        this.delegate = delegate;
        this.authorizations = authorizations;
        this.consents = consents;
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        Authentication converted = delegate.convert(request);
        if (converted instanceof OAuth2AuthorizationConsentAuthenticationToken consent) {
            withdrawUnticked(consent);
        }
        return converted;
    }

    private void withdrawUnticked(OAuth2AuthorizationConsentAuthenticationToken consent) {
        OAuth2Authorization pending =
                consent.getState() == null ? null : authorizations.findByToken(consent.getState(), STATE);
        if (pending == null
                || !(consent.getPrincipal() instanceof Authentication person)
                || !pending.getPrincipalName().equals(person.getName())) {
            return;
        }
        OAuth2AuthorizationRequest asked = pending.getAttribute(OAuth2AuthorizationRequest.class.getName());
        OAuth2AuthorizationConsent previous =
                consents.findById(pending.getRegisteredClientId(), pending.getPrincipalName());
        if (asked == null || previous == null) {
            return;
        }
        Set<String> withdrawn = previous.getScopes().stream()
                .filter(scope -> asked.getScopes().contains(scope))
                .filter(scope -> !consent.getScopes().contains(scope))
                .filter(scope -> !OidcScopes.OPENID.equals(scope))
                .map(scope -> SCOPE_AUTHORITY + scope)
                .collect(Collectors.toSet());
        if (withdrawn.isEmpty()) {
            return;
        }
        if (previous.getAuthorities().stream().allMatch(authority -> withdrawn.contains(authority.getAuthority()))) {
            consents.remove(previous);
            return;
        }
        consents.save(OAuth2AuthorizationConsent.from(previous)
                .authorities(
                        authorities -> authorities.removeIf(authority -> withdrawn.contains(authority.getAuthority())))
                .build());
    }
}
