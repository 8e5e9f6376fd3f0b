package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads a submitted consent form and keeps only the scopes the person's role may grant, whatever the
 * form sent. Spring Authorization Server grants the scopes of the submitted form as they are (its
 * consent customizer changes only what is remembered), so the limit has to apply here.
 */
class RoleLimitedConsentConverter implements AuthenticationConverter {

    private final AuthenticationConverter delegate;
    private final PortalUsers users;

    RoleLimitedConsentConverter(AuthenticationConverter delegate, PortalUsers users) {
        this.delegate = delegate;
        this.users = users;
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        Authentication converted = delegate.convert(request);
        if (!(converted instanceof OAuth2AuthorizationConsentAuthenticationToken consent)) {
            return converted;
        }
        Authentication principal = (Authentication) consent.getPrincipal();
        PortalRole role = users.find(principal.getName()).map(PortalUser::role).orElse(null);
        Set<String> grantable = consent.getScopes().stream()
                .filter(scope -> role != null && RoleScopePolicy.mayGrant(role, scope))
                .collect(Collectors.toSet());
        return new OAuth2AuthorizationConsentAuthenticationToken(
                consent.getAuthorizationUri(),
                consent.getClientId(),
                principal,
                consent.getState(),
                grantable,
                consent.getAdditionalParameters());
    }
}
