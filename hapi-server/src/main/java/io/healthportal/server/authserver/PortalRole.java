package io.healthportal.server.authserver;

import java.util.Locale;

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

    String databaseValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static PortalRole fromDatabase(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
