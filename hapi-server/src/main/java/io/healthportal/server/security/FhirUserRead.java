package io.healthportal.server.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * SMART's {@code fhirUser} scope is "permission to retrieve information about the current logged-in
 * user": a token granted it reads the one resource its {@code fhirUser} claim names (a clinician's
 * Practitioner, a patient's Patient), whatever its resource scopes, so that a patient-scoped app
 * launched from the EHR can show who is signed in. Only a read of that very resource; nothing else,
 * and not for staff whose role limits what they reach ({@link RoleLimit}) or for back ends.
 */
final class FhirUserRead {

    static final String SCOPE = "fhirUser";
    static final String CLAIM = "fhirUser";

    private FhirUserRead() {}

    /** The rules for {@code request} when it is a read of the token's own fhirUser resource. */
    static Optional<List<IAuthRule>> rules(Jwt token, SmartGrant grant, RequestDetails request) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        if ((operation != RestOperationTypeEnum.READ && operation != RestOperationTypeEnum.VREAD)
                || grant.roleLimited()
                || request.getId() == null) {
            return Optional.empty();
        }
        String scope = token.getClaimAsString("scope");
        String fhirUser = token.getClaimAsString(CLAIM);
        if (scope == null || fhirUser == null || !List.of(scope.split(" ")).contains(SCOPE)) {
            return Optional.empty();
        }
        // The claim is the absolute URL this server signed: its last two segments are type and id.
        IdType own = new IdType(fhirUser).toUnqualifiedVersionless();
        IdType asked = new IdType(request.getResourceName(), request.getId().getIdPart());
        if (own.getResourceType() == null || !own.getValue().equals(asked.getValue())) {
            return Optional.empty();
        }
        return Optional.of(new RuleBuilder()
                .allow("own fhirUser resource")
                .read()
                .instance(own)
                .andThen()
                .denyAll("PORTAL-AUTH-403: outside the token's scopes")
                .build());
    }
}
