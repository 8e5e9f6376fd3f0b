package io.healthportal.ingest.json;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.config.JsonFeedLayout;
import io.healthportal.ingest.config.JsonFeedLayout.Fields;
import io.healthportal.ingest.hl7v2.NhsNumber;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.FormatMapper;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * A partner's JSON feed of appointments or encounters (one item, or a page of items) into one
 * transaction: per item an Appointment or Encounter written by a conditional update on the partner's id,
 * and its Patient (conditional create on the NHS number, else the partner's patient id). Where each field
 * is, is the partner's configuration: JSON pointers into an item ({@link JsonFeedLayout}). The item's
 * {@code updated} time is the source event time; a page of several items takes the earliest, so nothing
 * older is ever applied over newer data (a page mixing stale and fresh items is skipped whole and
 * reported; the REST poller hands items one by one, so each orders alone). Plain Java.
 */
public final class JsonFeedFormat implements FormatMapper {

    static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private static final Set<String> ENCOUNTER_CLASSES =
            Set.of("AMB", "IMP", "EMER", "VR", "HH", "ACUTE", "NONAC", "OBSENC", "PRENC", "SS", "FLD");
    /** Appointment statuses that may lack a start and end (invariant app-3). */
    private static final Set<Appointment.AppointmentStatus> UNSCHEDULED = Set.of(
            Appointment.AppointmentStatus.PROPOSED,
            Appointment.AppointmentStatus.CANCELLED,
            Appointment.AppointmentStatus.WAITLIST);

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public PayloadFormat format() {
        return PayloadFormat.JSON;
    }

    @Override
    public Bundle map(byte[] payload, SourceMessage source) throws MappingException {
        PartnerProperties partner = source.partner();
        JsonFeedLayout layout = partner.json();
        if (layout == null) {
            throw new MappingException("INGEST-JSON-UNCONFIGURED", "partner " + partner.id() + " has no json layout");
        }
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (IOException e) {
            throw new MappingException("INGEST-JSON-PARSE", "the payload is not JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw new MappingException("INGEST-JSON-PARSE", "the payload is empty");
        }
        List<JsonNode> items = new ArrayList<>();
        if (layout.items() == null || layout.items().isBlank()) {
            items.add(root);
        } else {
            JsonNode array = root.at(pointer(layout.items(), "items"));
            if (!array.isArray()) {
                throw new MappingException(
                        "INGEST-JSON-LAYOUT-CHANGED", "layout-changed: no array at " + layout.items() + " (items)");
            }
            array.forEach(items::add);
        }
        if (items.isEmpty()) {
            throw new MappingException("INGEST-JSON-NO-ITEMS", "the page holds no items");
        }
        FhirTransaction transaction = new FhirTransaction(
                "urn:healthportal:partner:" + partner.id() + ":receipt:" + source.receiptId(), partner.id());
        Map<String, String> patients = new HashMap<>();
        Set<String> ids = new java.util.HashSet<>();
        DateTimeType earliest = null;
        for (int n = 0; n < items.size(); n++) {
            Item item = new Item(items.get(n), n + 1, layout.fields(), partner);
            String id = item.required(layout.fields().id(), "id");
            if (!ids.add(id)) {
                throw new MappingException(
                        "INGEST-JSON-DUPLICATE-ID", item.where() + ": the same id as an earlier item");
            }
            Patient patient = new Patient();
            Identifier matchOn = patientIdentity(item, partner, patient);
            String patientKey = matchOn.getSystem() + "|" + matchOn.getValue();
            String patientUrl = patients.get(patientKey);
            if (patientUrl == null) {
                patientUrl = transaction.conditionalCreate(patient, matchOn);
                patients.put(patientKey, patientUrl);
            }
            Identifier identifier =
                    new Identifier().setSystem(layout.idSystem()).setValue(id);
            if (layout.resource() == JsonFeedLayout.FeedResource.APPOINTMENT) {
                transaction.conditionalUpdate(appointment(item, layout, identifier, patientUrl), identifier);
            } else {
                transaction.conditionalUpdate(encounter(item, layout, identifier, patientUrl), identifier);
            }
            DateTimeType updated = item.dateTime(layout.fields().updated(), "updated");
            if (updated != null && (earliest == null || updated.getValue().before(earliest.getValue()))) {
                earliest = updated;
            }
        }
        transaction.addProvenance(source, earliest, "archived JSON feed payload");
        return transaction.bundle();
    }

    private static Appointment appointment(Item item, JsonFeedLayout layout, Identifier identifier, String patientUrl)
            throws MappingException {
        Fields fields = layout.fields();
        Appointment appointment = new Appointment();
        appointment.addIdentifier(identifier);
        String status = status(item, layout);
        try {
            appointment.setStatus(Appointment.AppointmentStatus.fromCode(status == null ? "booked" : status));
        } catch (FHIRException e) {
            throw new MappingException(
                    "INGEST-JSON-BAD-STATUS",
                    item.where() + ": the status is not an Appointment status or mapped to one");
        }
        DateTimeType start = item.dateTime(fields.start(), "start");
        DateTimeType end = item.dateTime(fields.end(), "end");
        if ((start == null || end == null) && !UNSCHEDULED.contains(appointment.getStatus())) {
            throw new MappingException(
                    "INGEST-JSON-MISSING-VALUE",
                    item.where() + ": a " + appointment.getStatus().toCode() + " appointment needs both start and end");
        }
        if (start != null && end != null) {
            appointment.setStart(start.getValue());
            appointment.setEnd(end.getValue());
        }
        String description = item.optional(fields.description());
        if (description != null) {
            appointment.setDescription(description);
        }
        String service = item.optional(fields.serviceType());
        if (service != null) {
            appointment.addServiceType(new CodeableConcept().setText(service));
        }
        appointment
                .addParticipant()
                .setActor(new Reference(patientUrl))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        String practitioner = item.optional(fields.practitioner());
        if (practitioner != null) {
            appointment
                    .addParticipant()
                    .setActor(new Reference().setDisplay(practitioner))
                    .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        }
        String location = item.optional(fields.location());
        if (location != null) {
            appointment
                    .addParticipant()
                    .setActor(new Reference().setDisplay(location))
                    .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        }
        return appointment;
    }

    private static Encounter encounter(Item item, JsonFeedLayout layout, Identifier identifier, String patientUrl)
            throws MappingException {
        Fields fields = layout.fields();
        Encounter encounter = new Encounter();
        encounter.addIdentifier(identifier);
        String status = status(item, layout);
        try {
            encounter.setStatus(Encounter.EncounterStatus.fromCode(status == null ? "unknown" : status));
        } catch (FHIRException e) {
            throw new MappingException(
                    "INGEST-JSON-BAD-STATUS",
                    item.where() + ": the status is not an Encounter status or mapped to one");
        }
        String encounterClass = item.optional(fields.encounterClass());
        if (encounterClass != null && !ENCOUNTER_CLASSES.contains(encounterClass)) {
            throw new MappingException(
                    "INGEST-JSON-BAD-CLASS", item.where() + ": the class is not a v3 ActCode encounter class");
        }
        encounter.setClass_(new Coding(ACT_CODE, encounterClass == null ? "AMB" : encounterClass, null));
        encounter.setSubject(new Reference(patientUrl));
        DateTimeType start = item.dateTime(fields.start(), "start");
        DateTimeType end = item.dateTime(fields.end(), "end");
        if (start != null || end != null) {
            Period period = new Period();
            if (start != null) {
                period.setStartElement(start);
            }
            if (end != null) {
                period.setEndElement(end);
            }
            encounter.setPeriod(period);
        }
        String service = item.optional(fields.serviceType());
        if (service != null) {
            encounter.setServiceType(new CodeableConcept().setText(service));
        }
        String description = item.optional(fields.description());
        if (description != null) {
            encounter.addReasonCode(new CodeableConcept().setText(description));
        }
        String practitioner = item.optional(fields.practitioner());
        if (practitioner != null) {
            encounter.addParticipant().setIndividual(new Reference().setDisplay(practitioner));
        }
        String location = item.optional(fields.location());
        if (location != null) {
            encounter.addLocation().setLocation(new Reference().setDisplay(location));
        }
        return encounter;
    }

    /** The item's status as a FHIR code: the partner's value through {@code status-map}, else as sent. */
    private static String status(Item item, JsonFeedLayout layout) throws MappingException {
        String sent = item.optional(layout.fields().status());
        if (sent == null || layout.statusMap() == null) {
            return sent;
        }
        for (Map.Entry<String, String> mapping : layout.statusMap().entrySet()) {
            if (mapping.getValue().equalsIgnoreCase(sent)) {
                return mapping.getKey();
            }
        }
        return sent;
    }

    private static Identifier patientIdentity(Item item, PartnerProperties partner, Patient patient)
            throws MappingException {
        Identifier nhs = null;
        String nhsText = item.optional(item.fields.nhsNumber());
        if (nhsText != null) {
            String digits = NhsNumber.normalise(nhsText);
            if (digits == null) {
                throw new MappingException(
                        "INGEST-JSON-NHS-NUMBER-INVALID",
                        item.where() + ": nhs-number is not an NHS number (ten digits passing the check digit)");
            }
            nhs = new Identifier().setSystem(NhsNumber.SYSTEM).setValue(digits);
            patient.addIdentifier(nhs);
        }
        Identifier mrn = null;
        String mrnText = item.optional(item.fields.mrn());
        if (mrnText != null) {
            mrn = new Identifier()
                    .setSystem(partner.identifierSystems().mrn())
                    .setValue(mrnText)
                    .setType(new CodeableConcept().addCoding(new Coding(V2_0203, "MR", null)));
            mrn.setAssigner(new Reference().setDisplay(partner.id()));
            patient.addIdentifier(mrn);
        }
        if (nhs == null && mrn == null) {
            throw new MappingException(
                    "INGEST-JSON-NO-PATIENT-ID", item.where() + ": neither an NHS number nor a patient id (mrn)");
        }
        return nhs != null ? nhs : mrn;
    }

    private static JsonPointer pointer(String expression, String field) throws MappingException {
        try {
            return JsonPointer.compile(expression);
        } catch (IllegalArgumentException e) {
            throw new MappingException("INGEST-JSON-UNCONFIGURED", "the partner's " + field + " is not a JSON pointer");
        }
    }

    /** One item of the feed, read through the partner's pointers; reasons name the item and the field. */
    private static final class Item {
        private final JsonNode node;
        private final int number;
        private final Fields fields;
        private final PartnerProperties partner;

        Item(JsonNode node, int number, Fields fields, PartnerProperties partner) {
            this.node = node;
            this.number = number;
            this.fields = fields;
            this.partner = partner;
        }

        String where() {
            return "item " + number;
        }

        /** The text at the pointer; null when not configured, absent, null or blank. */
        String optional(String pointer) throws MappingException {
            if (pointer == null || pointer.isBlank()) {
                return null;
            }
            JsonNode value = node.at(JsonFeedFormat.pointer(pointer, "field " + pointer));
            if (value.isMissingNode() || value.isNull() || value.isContainerNode()) {
                return null;
            }
            String text = value.asText().strip();
            return text.isEmpty() ? null : text;
        }

        String required(String pointer, String field) throws MappingException {
            String value = optional(pointer);
            if (value == null) {
                throw new MappingException(
                        "INGEST-JSON-MISSING-VALUE", where() + ": nothing at " + pointer + " (" + field + ")");
            }
            return value;
        }

        /** An ISO 8601 date-time; one without an offset is in the partner's zone. */
        DateTimeType dateTime(String pointer, String field) throws MappingException {
            String text = optional(pointer);
            if (text == null) {
                return null;
            }
            ZonedDateTime zoned;
            try {
                zoned = OffsetDateTime.parse(text).toZonedDateTime();
            } catch (DateTimeParseException withoutOffset) {
                try {
                    zoned = ZonedDateTime.ofLocal(LocalDateTime.parse(text), partner.timeZone(), null);
                } catch (DateTimeParseException e) {
                    throw new MappingException(
                            "INGEST-JSON-BAD-DATE", where() + ": " + field + " is not an ISO 8601 date-time");
                }
            }
            DateTimeType result = new DateTimeType(Date.from(zoned.toInstant()), TemporalPrecisionEnum.SECOND);
            result.setTimeZone(TimeZone.getTimeZone(zoned.getOffset()));
            return result;
        }
    }
}
