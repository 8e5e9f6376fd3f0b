package io.healthportal.server.security;

import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.security.SmartScope.Permission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a staff role or a {@link SystemRole} may do on {@code /fhir} whatever scopes an app or a client
 * was granted (issue 3, item 14): the effective permission is the granted scopes intersected with this.
 * Patients and clinicians have no such limit here (their limits are the patient compartment and, for
 * clinicians, the care relationship of {@link CareRelationshipInterceptor}).
 *
 * @param types each resource type the role reaches and what it may do on it, {@value #EVERY_TYPE} for
 *     every type; every other type is out
 */
public record RoleLimit(Map<String, Set<Permission>> types) {

    /**
     * The access-token claim carrying the user's {@link PortalRole}, in lower case. Set by the
     * authorization server when it issues or refreshes the token.
     */
    public static final String CLAIM = "portal_role";

    /** The key of {@link #types()} that stands for every resource type. */
    static final String EVERY_TYPE = "*";

    private static final Set<Permission> ALL = EnumSet.allOf(Permission.class);

    /** Demographics and booking: no clinical resource type. */
    static final RoleLimit RECEPTIONIST = new RoleLimit(Map.of(
            "Patient", ALL,
            "Schedule", ALL,
            "Slot", ALL,
            "Appointment", ALL,
            "AppointmentResponse", ALL));

    /** The audit trail, read only; no clinical or patient data. */
    static final RoleLimit ADMINISTRATOR =
            new RoleLimit(Map.of("AuditEvent", EnumSet.of(Permission.READ, Permission.SEARCH)));

    /**
     * A partner system creates, reads, updates and searches, never deletes; {@link PartnerLimitInterceptor}
     * keeps all of it to the partner's own data.
     */
    static final RoleLimit PARTNER = new RoleLimit(
            Map.of(EVERY_TYPE, EnumSet.of(Permission.CREATE, Permission.READ, Permission.UPDATE, Permission.SEARCH)));

    /** An EHR system reads and searches only; {@link EhrSystemInterceptor} keeps it to its Group's patients. */
    static final RoleLimit EHR_SYSTEM =
            new RoleLimit(Map.of(EVERY_TYPE, EnumSet.of(Permission.READ, Permission.SEARCH)));

    /** Patient updates, and {@link PatientVerifierInterceptor} keeps those to removing the verification tag. */
    static final RoleLimit PATIENT_VERIFIER = new RoleLimit(Map.of("Patient", EnumSet.of(Permission.UPDATE)));

    public RoleLimit {
        types = Map.copyOf(types);
    }

    /** The limit of {@code role}, or empty when {@code /fhir} applies none beyond the scopes. */
    public static Optional<RoleLimit> of(PortalRole role) {
        return switch (role) {
            case PATIENT, PRACTITIONER -> Optional.empty();
            case RECEPTIONIST -> Optional.of(RECEPTIONIST);
            case ADMINISTRATOR -> Optional.of(ADMINISTRATOR);
        };
    }

    /** What is left of {@code scope} within this limit: one scope per type both reach, possibly none. */
    List<SmartScope> intersect(SmartScope scope) {
        return types.entrySet().stream()
                .filter(type -> type.getKey().equals(EVERY_TYPE) || scope.appliesTo(type.getKey()))
                .map(type -> {
                    Set<Permission> both = EnumSet.noneOf(Permission.class);
                    both.addAll(scope.permissions());
                    both.retainAll(type.getValue());
                    String narrowedType = type.getKey().equals(EVERY_TYPE) ? scope.resourceType() : type.getKey();
                    return new SmartScope(scope.context(), narrowedType, both, scope.query());
                })
                .filter(narrowed -> !narrowed.permissions().isEmpty())
                .sorted(Comparator.comparing(SmartScope::resourceType))
                .toList();
    }

    /** Whether {@code scope} grants anything at all within this limit. */
    public boolean reaches(SmartScope scope) {
        return !intersect(scope).isEmpty();
    }
}
