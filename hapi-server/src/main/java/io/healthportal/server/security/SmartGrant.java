package io.healthportal.server.security;

import io.healthportal.server.security.SmartScope.Context;
import io.healthportal.server.security.SmartScope.Permission;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one access token grants: its resource scopes and, for patient scopes, the patient whose
 * compartment they reach. Patient scopes without a patient in context grant nothing.
 *
 * @param scopes the token's resource scopes, already intersected with the user's role limit if any
 * @param patientId the id of the patient in context, or null
 * @param roleLimited whether a {@link RoleLimit} narrowed the scopes
 */
record SmartGrant(List<SmartScope> scopes, String patientId, boolean roleLimited) {

    SmartGrant {
        List<SmartScope> usable = scopes.stream()
                .filter(scope -> scope.context() != Context.PATIENT || patientId != null)
                .toList();
        scopes = usable;
    }

    SmartGrant(List<SmartScope> scopes, String patientId) {
        this(scopes, patientId, false);
    }

    static SmartGrant of(String scopeClaim, String patientId) {
        return new SmartGrant(parse(scopeClaim), patientId);
    }

    /**
     * The granted scopes intersected with what the user's role allows: {@code user/*.cruds} held by a
     * receptionist becomes {@code user/Patient.cruds}, {@code user/Appointment.cruds}, ... and nothing
     * on clinical types, so every check below sees only the effective permission.
     */
    static SmartGrant of(String scopeClaim, String patientId, RoleLimit limit) {
        List<SmartScope> effective = parse(scopeClaim).stream()
                .flatMap(scope -> limit.intersect(scope).stream())
                .toList();
        return new SmartGrant(effective, patientId, true);
    }

    private static List<SmartScope> parse(String scopeClaim) {
        List<String> scopes =
                scopeClaim == null ? List.of() : Arrays.asList(scopeClaim.trim().split("\\s+"));
        return SmartScope.parseAll(scopes);
    }

    /** Whether some scope allows {@code permission} on {@code type} (null: on every type). */
    boolean allows(String type, Permission permission) {
        return scopes.stream()
                .anyMatch(scope -> type == null
                        ? scope.coversAllTypes()
                                && scope.query() == null
                                && scope.permissions().contains(permission)
                        : scope.reaches(type, permission));
    }

    /**
     * The categories ({@code system|code}) a {@code type} resource must carry one of to be read under
     * this grant: empty when some scope reads every resource of the type, so there is no limit; the
     * union of the granular scopes' categories otherwise (possibly none: nothing of the type is readable).
     */
    Optional<Set<String>> categoryLimit(String type) {
        boolean unlimited = scopes.stream()
                .anyMatch(scope -> scope.grants(type, Permission.READ) || scope.grants(type, Permission.SEARCH));
        if (unlimited) {
            return Optional.empty();
        }
        Set<String> categories = new LinkedHashSet<>();
        scopes.stream()
                .filter(scope -> scope.reaches(type, Permission.READ) || scope.reaches(type, Permission.SEARCH))
                .forEach(scope -> categories.addAll(scope.categories()));
        return Optional.of(categories);
    }

    /** Every permission on every type, outside any patient compartment: a system or user {@code *.cruds}. */
    boolean unrestricted() {
        return scopes.stream()
                .anyMatch(scope -> scope.context() != Context.PATIENT
                        && scope.coversAllTypes()
                        && scope.query() == null
                        && scope.permissions().size() == Permission.values().length);
    }

    Optional<String> patient() {
        return Optional.ofNullable(patientId);
    }
}
