package io.healthportal.ingest.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.Map;

/**
 * A partner's JSON feed of appointments or encounters: where each field is, as JSON pointers (RFC 6901)
 * into one item. A payload is one item, or a page whose {@code items} pointer names the array of items.
 *
 * @param resource what the items are
 * @param items JSON pointer to the array of items in a page; blank when each payload is one item
 * @param idSystem the identifier system of the partner's appointment or encounter ids
 * @param statusMap the partner's status values by FHIR status code; values not listed are taken as FHIR
 *     codes as they are
 * @param fields where each field is in an item
 */
public record JsonFeedLayout(
        @NotNull FeedResource resource,
        String items,
        @NotBlank String idSystem,
        Map<String, String> statusMap,
        @NotNull @Valid Fields fields) {

    public enum FeedResource {
        APPOINTMENT,
        ENCOUNTER
    }

    /**
     * JSON pointers within an item; unset fields are not read.
     *
     * @param id the partner's id of the appointment or encounter (required)
     * @param nhsNumber the patient's NHS number
     * @param mrn the partner's patient id (system {@code identifier-systems.mrn})
     * @param status the status (through {@code status-map})
     * @param start when it starts (ISO 8601; without an offset, in the partner's time zone)
     * @param end when it ends
     * @param updated when the partner last changed it: the source event time that orders writes
     * @param description free text (Appointment.description, Encounter.reasonCode text)
     * @param serviceType the kind of appointment or encounter, as text
     * @param practitioner the practitioner's name (as a display)
     * @param location the location's name (as a display)
     * @param encounterClass the encounter's class as a v3 ActCode ({@code AMB}, {@code IMP}, {@code EMER},
     *     {@code VR}, {@code HH}); ambulatory when not set or empty
     */
    public record Fields(
            @NotBlank String id,
            String nhsNumber,
            String mrn,
            String status,
            String start,
            String end,
            String updated,
            String description,
            String serviceType,
            String practitioner,
            String location,
            String encounterClass) {}
}
