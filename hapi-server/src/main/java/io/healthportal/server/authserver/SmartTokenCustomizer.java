package io.healthportal.server.authserver;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The SMART claims: access tokens are for the FHIR base ({@code aud}) and carry the granted
 * {@code scope} as one space-separated string, the user's {@code fhirUser} and, for a patient, the
 * {@code patient} whose compartment patient scopes reach; ID tokens carry {@code fhirUser}. Both are
 * signed by the active key.
 */
class SmartTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    static final String PATIENT_CLAIM = "patient";
    static final String FHIR_USER_CLAIM = "fhirUser";

    private final String fhirBase;
    private final String activeKeyId;
    private final PortalUsers users;

    SmartTokenCustomizer(String fhirBase, String activeKeyId, PortalUsers users) {
        this.fhirBase = fhirBase;
        this.activeKeyId = activeKeyId;
        this.users = users;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        context.getJwsHeader().keyId(activeKeyId);
        Optional<PortalUser> user = user(context);
        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            // Only what the person's role allows, should anything else have reached the authorization.
            Set<String> scopes = user.map(u -> context.getAuthorizedScopes().stream()
                            .filter(scope -> RoleScopePolicy.mayGrant(u.role(), scope))
                            .collect(Collectors.toCollection(java.util.LinkedHashSet::new)))
                    .orElseGet(() -> new java.util.LinkedHashSet<>(context.getAuthorizedScopes()));
            // A singleton list: the stored authorization is read back by a serializer that allows only
            // certain collection classes, and List.of is not one of them.
            context.getClaims().audience(Collections.singletonList(fhirBase)).claim("scope", String.join(" ", scopes));
            user.ifPresent(u -> {
                context.getClaims().claim(FHIR_USER_CLAIM, fhirBase + "/" + u.fhirUser());
                if (u.role() == PortalRole.PATIENT) {
                    context.getClaims().claim(PATIENT_CLAIM, u.fhirUserId());
                }
            });
        } else if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            user.filter(u -> context.getAuthorizedScopes().contains(FHIR_USER_CLAIM))
                    .ifPresent(u -> context.getClaims().claim(FHIR_USER_CLAIM, fhirBase + "/" + u.fhirUser()));
        }
    }

    private Optional<PortalUser> user(JwtEncodingContext context) {
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            return Optional.empty();
        }
        Authentication principal = context.getPrincipal();
        return principal == null ? Optional.empty() : users.find(principal.getName());
    }
}
