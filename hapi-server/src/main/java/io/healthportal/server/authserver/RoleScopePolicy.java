package io.healthportal.server.authserver;

import io.healthportal.server.security.RoleLimit;
import io.healthportal.server.security.SmartScope;
import java.util.Optional;
import java.util.Set;

/**
 * Which scopes each role may grant an app at all; the consent page offers only these and the server
 * drops any other a consent form sends. Patients reach their own compartment only (patient scopes);
 * practitioners may grant user scopes, and patient scopes for the patient an EHR launch put in context
 * or they chose on the patient picker.
 * Receptionists and administrators may grant user scopes that reach something within their role's
 * {@link RoleLimit}; {@code /fhir} narrows those scopes to the limit again on every request, since a
 * wildcard such as {@code user/*.cruds} is offered to them but reaches only their types.
 */
final class RoleScopePolicy {

    private static final Set<String> IDENTITY_SCOPES =
            Set.of("openid", "fhirUser", "profile", "offline_access", "online_access");

    private RoleScopePolicy() {}

    static boolean mayGrant(PortalRole role, String scope) {
        if (IDENTITY_SCOPES.contains(scope)) {
            return true;
        }
        if (scope.equals("launch/patient")) {
            // A clinician chooses the patient on the picker page (PatientPicker).
            return role == PortalRole.PATIENT || role == PortalRole.PRACTITIONER;
        }
        if (scope.equals("launch")) {
            return role == PortalRole.PRACTITIONER;
        }
        Optional<SmartScope> resourceScope = SmartScope.parse(scope);
        if (resourceScope.isEmpty()) {
            return false;
        }
        return switch (role) {
            case PATIENT -> resourceScope.get().context() == SmartScope.Context.PATIENT;
            // Patient scopes reach a patient only through an EHR launch's context; without one they grant nothing.
            case PRACTITIONER -> resourceScope.get().context() != SmartScope.Context.SYSTEM;
            case RECEPTIONIST, ADMINISTRATOR ->
                resourceScope.get().context() == SmartScope.Context.USER
                        && RoleLimit.of(role)
                                .map(limit -> limit.reaches(resourceScope.get()))
                                .orElse(false);
        };
    }
}
