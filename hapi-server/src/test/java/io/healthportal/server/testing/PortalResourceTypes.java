package io.healthportal.server.testing;

import java.util.List;

/** The resource types the portal lives on (issue 2, item 2), which the tests go through one by one. */
public final class PortalResourceTypes {

    public static final List<String> ALL = List.of(
            "Patient",
            "Encounter",
            "Observation",
            "Appointment",
            "AppointmentResponse",
            "Schedule",
            "Slot",
            "Practitioner",
            "PractitionerRole",
            "Organization",
            "Location",
            "DiagnosticReport",
            "MedicationRequest",
            "MedicationDispense",
            "Immunization",
            "Condition",
            "AllergyIntolerance",
            "Provenance",
            "AuditEvent",
            "Consent");

    private PortalResourceTypes() {}
}
