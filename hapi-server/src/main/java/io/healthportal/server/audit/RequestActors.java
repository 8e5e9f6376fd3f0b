package io.healthportal.server.audit;

import io.healthportal.server.authserver.PortalRole;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who is calling {@code /fhir}, read from the access token Spring Security has already verified. */
final class RequestActors {

    static final String FHIR_USER_CLAIM = "fhirUser";
    static final String CLIENT_ID_CLAIM = "client_id";
    static final String ROLE_CLAIM = "portal_role";

    private RequestActors() {}

    static AuditActor current(String address) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token) {
            return of(token.getToken(), address);
        }
        return AuditActor.anonymous(address);
    }

    /**
     * A token issued to a person carries their role (and {@code fhirUser}); its subject is their
     * username. A Backend Services token has neither (a client's role, partner or EHR system, is no
     * person's), and its subject is the client.
     */
    static AuditActor of(Jwt token, String address) {
        String fhirUser = relative(token.getClaimAsString(FHIR_USER_CLAIM));
        boolean person = fhirUser != null
                || PortalRole.fromClaim(token.getClaimAsString(ROLE_CLAIM)).isPresent();
        String clientId = token.getClaimAsString(CLIENT_ID_CLAIM);
        if (clientId == null && !person) {
            clientId = token.getSubject();
        }
        return new AuditActor(fhirUser, person ? token.getSubject() : null, clientId, token.getId(), address);
    }

    /** {@code https://host/fhir/Practitioner/12} as {@code Practitioner/12}. */
    static String relative(String fhirUser) {
        if (fhirUser == null || fhirUser.isBlank()) {
            return null;
        }
        IdType id = new IdType(fhirUser);
        return id.hasResourceType() && id.hasIdPart()
                ? id.toUnqualifiedVersionless().getValue()
                : null;
    }
}
