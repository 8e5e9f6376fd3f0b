package io.healthportal.server.authserver;

import java.util.Locale;
import java.util.Optional;

/** What a person who logs in is to the portal; each role is linked to one FHIR resource type. */
public enum PortalRole {
    PATIENT("Patient"),
    PRACTITIONER("Practitioner"),
    RECEPTIONIST("Practitioner"),
    ADMINISTRATOR("Practitioner");

    private final String fhirUserType;

    PortalRole(String fhirUserType) {
        this.fhirUserType = fhirUserType;
    }

    /** The resource type a user of this role is linked to ({@code fhirUser}). */
    public String fhirUserType() {
        return fhirUserType;
    }

    /** Staff sign in with a second factor (TOTP) after the password; patients do not. */
    public boolean staff() {
        return this != PATIENT;
    }

    /** How the role is named in the database and in the access token's role claim. */
    public String claimValue() {
        return databaseValue();
    }

    /** The role a claim value names, or empty for a value that names none. */
    public static Optional<PortalRole> fromClaim(String value) {
        for (PortalRole role : values()) {
            if (role.databaseValue().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    String databaseValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static PortalRole fromDatabase(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
