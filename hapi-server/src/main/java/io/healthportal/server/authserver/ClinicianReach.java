package io.healthportal.server.authserver;

import io.healthportal.server.security.BreakGlassReason;
import io.healthportal.server.security.CareRelationships;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Which patients a clinician may choose on the EHR simulator and the patient picker (issue 3, item 14):
 * those they have a care relationship with, as {@code /fhir} limits them, and any other only with a
 * typed break-glass reason, which is audited for the patient chosen. The chosen patient becomes the
 * launch context, which {@code /fhir} then lets the app read: this is where that choice is limited.
 */
class ClinicianReach {

    private final CareRelationships relationships;
    private final ApplicationEventPublisher events;

    ClinicianReach(CareRelationships relationships, ApplicationEventPublisher events) {
        this.relationships = relationships;
        this.events = events;
    }

    /**
     * The patients a chooser lists for {@code clinician}.
     *
     * @param related the ids they have a care relationship with
     * @param breakGlass whether a valid reason was typed: every patient is listed
     */
    record Reach(Set<String> related, boolean breakGlass) {

        boolean includes(String patientId) {
            return breakGlass || related.contains(patientId);
        }
    }

    Reach of(PortalUser clinician, String reason) {
        return new Reach(relationships.patientsOf(clinician.fhirUser()), BreakGlassReason.valid(reason) != null);
    }

    /**
     * Whether {@code clinician} may choose {@code patientId}: yes within their care relationships;
     * otherwise only with a valid reason, and then the break-glass is published for the audit trail.
     */
    boolean admit(PortalUser clinician, String patientId, String reason, String address) {
        if (relationships.patientsOf(clinician.fhirUser()).contains(patientId)) {
            return true;
        }
        String valid = BreakGlassReason.valid(reason);
        if (valid == null) {
            return false;
        }
        events.publishEvent(new AccountEvents.BreakGlassChoice(
                clinician.username(), clinician.fhirUser(), patientId, valid, address));
        return true;
    }
}
