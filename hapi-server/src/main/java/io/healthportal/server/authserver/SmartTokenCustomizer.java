package io.healthportal.server.authserver;

import io.healthportal.server.security.RoleLimit;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The SMART claims: access tokens are for the FHIR base ({@code aud}) and carry the granted
 * {@code scope} as one space-separated string, the user's {@code fhirUser} and, for a patient, the
 * {@code patient} whose compartment patient scopes reach, and the user's role ({@code portal_role}),
 * which {@code /fhir} intersects the scopes with; a Backend Services client's access tokens carry its
 * {@link io.healthportal.server.security.SystemRole}, if it has one, in the same claim. ID tokens carry
 * {@code fhirUser}. Both are signed by the active key.
 */
class SmartTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    static final String PATIENT_CLAIM = "patient";
    static final String FHIR_USER_CLAIM = "fhirUser";

    static final String ENCOUNTER_CLAIM = "encounter";
    static final String CLIENT_ID_CLAIM = "client_id";

    private final String fhirBase;
    private final String activeKeyId;
    private final PortalUsers users;
    private final LaunchContexts launches;

    SmartTokenCustomizer(String fhirBase, String activeKeyId, PortalUsers users, LaunchContexts launches) {
        this.fhirBase = fhirBase;
        this.activeKeyId = activeKeyId;
        this.users = users;
        this.launches = launches;
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
            // RFC 9068's client_id: names the app in /fhir's audit, since aud is the FHIR base.
            context.getClaims()
                    .claim(CLIENT_ID_CLAIM, context.getRegisteredClient().getClientId());
            if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
                // A Backend Services client's role, in the claim that carries a user's: /fhir applies it as
                // it does theirs (SystemRole), read from the client's registration at each token.
                ClientRegistrations.role(context.getRegisteredClient())
                        .ifPresent(role -> role.claims().forEach(context.getClaims()::claim));
            }
            user.ifPresent(u -> {
                context.getClaims().claim(FHIR_USER_CLAIM, fhirBase + "/" + u.fhirUser());
                // /fhir intersects the scopes with what this role may do (RoleLimit); looked up again on
                // every refresh, so a changed role reaches the next token.
                context.getClaims().claim(RoleLimit.CLAIM, u.role().claimValue());
                if (u.role() == PortalRole.PATIENT) {
                    context.getClaims().claim(PATIENT_CLAIM, u.fhirUserId());
                }
            });
            if (scopes.contains(SmartAuthorizationRequestValidator.LAUNCH)) {
                addEhrLaunchContext(context);
            } else if (user.isPresent()
                    && PatientPicker.needsPicker(scopes, user.get().role())) {
                addChosenPatient(context);
            }
        } else if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            user.filter(u -> context.getAuthorizedScopes().contains(FHIR_USER_CLAIM))
                    .ifPresent(u -> context.getClaims().claim(FHIR_USER_CLAIM, fhirBase + "/" + u.fhirUser()));
        }
    }

    /**
     * The EHR's patient and encounter: from the launch value on the code exchange, which uses it up, and
     * carried over from the previous access token on a refresh.
     */
    private void addEhrLaunchContext(JwtEncodingContext context) {
        if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())) {
            var previous = context.getAuthorization().getAccessToken();
            if (previous != null && previous.getClaims() != null) {
                copy(previous.getClaims(), PATIENT_CLAIM, context);
                copy(previous.getClaims(), ENCOUNTER_CLAIM, context);
            }
            return;
        }
        OAuth2AuthorizationRequest request =
                context.getAuthorization().getAttribute(OAuth2AuthorizationRequest.class.getName());
        Object launch = request == null
                ? null
                : request.getAdditionalParameters().get(SmartAuthorizationRequestValidator.LAUNCH);
        LaunchContexts.LaunchContext launched =
                launch instanceof String value ? launches.consume(value).orElse(null) : null;
        if (launched == null) {
            throw new OAuth2AuthenticationException(new OAuth2Error(
                    OAuth2ErrorCodes.INVALID_GRANT, "The launch has expired or has been used already", null));
        }
        if (launched.patient() != null) {
            context.getClaims().claim(PATIENT_CLAIM, launched.patient());
        }
        if (launched.encounter() != null) {
            context.getClaims().claim(ENCOUNTER_CLAIM, launched.encounter());
        }
    }

    /** The patient a clinician chose on the picker, kept on the authorization for every refresh too. */
    private static void addChosenPatient(JwtEncodingContext context) {
        Object chosen = context.getAuthorization() == null
                ? null
                : context.getAuthorization().getAttribute(PatientPicker.CHOSEN_PATIENT_ATTRIBUTE);
        if (!(chosen instanceof String patient)) {
            throw new OAuth2AuthenticationException(
                    new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, "No patient was chosen for launch/patient", null));
        }
        context.getClaims().claim(PATIENT_CLAIM, patient);
    }

    private static void copy(java.util.Map<String, Object> claims, String name, JwtEncodingContext context) {
        Object value = claims.get(name);
        if (value != null) {
            context.getClaims().claim(name, value);
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
