package io.healthportal.ingest.hl7v2;

import ca.uhn.hl7v2.model.Segment;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.FhirTransaction;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;

/**
 * VXU^V04 as Immunization, one per ORDER (ORC, RXA, RXR), after the IG's {@code messages/VXU_V04} and
 * {@code segments/RXA[Immunization]} rows: RXA-3 occurrenceDateTime, RXA-5 vaccineCode, RXA-6/7
 * doseQuantity, RXA-10 performer (function AP), RXA-15 lotNumber, RXA-16 expirationDate, RXA-17
 * manufacturer, RXA-18 statusReason, RXA-19 reasonCode, RXA-20/21 status, RXA-22 recorded, RXA-27/28
 * location; RXR-1 route and RXR-2 site; ORC-12 (ordering provider) performer with function OP.
 */
final class ImmunizationMapping {

    static final String V2_0443 = "http://terminology.hl7.org/CodeSystem/v2-0443";

    /** CDC's "amount unknown" in RXA-6 (historical records): no dose is stated. */
    private static final BigDecimal UNKNOWN_AMOUNT = new BigDecimal("999");

    private ImmunizationMapping() {}

    static void map(
            List<Segment> segments, PartnerProperties partner, FhirTransaction transaction, List<String> unmapped)
            throws MappingException {
        String patientUrl = Hl7v2Format.referencedPatient(segments, partner, transaction, unmapped);
        String encounterUrl = Hl7v2Format.referencedEncounter(segments, partner, patientUrl, transaction, unmapped);
        Hl7v2Format.patientObservations(segments, "ORC", patientUrl, encounterUrl, partner, transaction, unmapped);
        Map<String, Integer> seen = new HashMap<>();
        int written = 0;
        for (List<Fields> order : Hl7v2Format.runs(segments, "ORC")) {
            Fields orc = order.get(0);
            Fields rxa = null;
            Fields rxr = null;
            for (Fields segment : order) {
                if (segment.name().equals("RXA") && rxa == null) {
                    rxa = segment;
                } else if (segment.name().equals("RXR") && rxr == null) {
                    rxr = segment;
                }
            }
            if (rxa == null) {
                throw new MappingException("INGEST-HL7-MISSING-SEGMENT", "a VXU^V04 order has no RXA segment");
            }
            Immunization immunization = immunization(orc, rxa, rxr, partner, unmapped);
            Identifier identity = identity(orc, rxa, partner, seen);
            immunization.addIdentifier(identity);
            if (orc.get(3, 1) != null && orc.get(2, 1) != null) {
                immunization.addIdentifier(new Identifier()
                        .setSystem(partner.identifierSystems().order())
                        .setValue(orc.get(2, 1))
                        .setType(Datatypes.identifierType("PLAC")));
            }
            immunization.setPatient(new Reference(patientUrl));
            if (encounterUrl != null) {
                immunization.setEncounter(new Reference(encounterUrl));
            }
            String immunizationUrl = transaction.conditionalUpdate(immunization, identity);
            written++;
            // The order's OBX (funding eligibility, vaccine information statements) as Observations that
            // are part of the immunization (the IG's VXU_V04 ORDER.OBSERVATION rows).
            Map<String, Integer> seenCodes = new HashMap<>();
            org.hl7.fhir.r4.model.Observation last = null;
            for (Fields segment : order) {
                if (segment.name().equals("OBX")) {
                    ResultMapping.MappedObservation observation = ResultMapping.observation(
                            segment,
                            ResultMapping.orderObservationId(segment, identity.getValue(), seenCodes, partner),
                            immunization.getOccurrenceDateTimeType(),
                            null,
                            partner,
                            unmapped);
                    eligibilityAndFunding(segment, immunization);
                    last = observation.observation();
                    last.setSubject(new Reference(patientUrl));
                    last.addPartOf(new Reference(immunizationUrl));
                    if (encounterUrl != null) {
                        last.setEncounter(new Reference(encounterUrl));
                    }
                    transaction.conditionalUpdate(last, observation.matchOn());
                } else if (segment.name().equals("NTE") && last != null) {
                    ResultMapping.addNote(segment, last, partner);
                } else if (segment.name().equals("NTE")) {
                    unmapped.add("NTE outside an observation");
                }
            }
        }
        if (written == 0) {
            throw new MappingException("INGEST-HL7-MISSING-SEGMENT", "the VXU^V04 message has no ORC/RXA order");
        }
    }

    /**
     * The filler order number (ORC-3), else the placer's (ORC-2); without either, the vaccine and the time
     * given (RXA-5.1 and RXA-3), which identify one administration to one patient. A number repeated within
     * the message gets its ordinal.
     */
    private static Identifier identity(Fields orc, Fields rxa, PartnerProperties partner, Map<String, Integer> seen) {
        String value;
        String type;
        if (orc.get(3, 1) != null) {
            value = orc.get(3, 1);
            type = "FILL";
        } else if (orc.get(2, 1) != null) {
            value = orc.get(2, 1);
            type = "PLAC";
        } else {
            value = "RXA/" + rxa.get(5, 1) + "/" + rxa.get(3);
            type = null;
        }
        int ordinal = seen.merge(value, 1, Integer::sum);
        Identifier identifier = new Identifier()
                .setSystem(partner.identifierSystems().order())
                .setValue(ordinal > 1 ? value + "#" + ordinal : value);
        if (type != null) {
            identifier.setType(Datatypes.identifierType(type));
        }
        return identifier;
    }

    private static Immunization immunization(
            Fields orc, Fields rxa, Fields rxr, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        Immunization immunization = new Immunization();
        CodeableConcept vaccine = Datatypes.codeableConcept(rxa, 5, 0);
        if (vaccine == null) {
            throw new MappingException("INGEST-HL7-NO-VACCINE-CODE", "RXA-5 (administered code) is empty");
        }
        immunization.setVaccineCode(vaccine);
        DateTimeType given = Datatypes.dateTime(rxa, 3, partner.timeZone());
        if (given == null) {
            throw new MappingException("INGEST-HL7-NO-OCCURRENCE", "RXA-3 (start of administration) is empty");
        }
        immunization.setOccurrence(given);
        immunization.setStatus(status(rxa.get(20), rxa.get(21)));
        if ("PA".equals(rxa.get(20))) {
            immunization.setIsSubpotent(true);
        }
        if ("A".equals(rxa.get(21))) {
            DateTimeType entered = Datatypes.dateTime(rxa, 22, partner.timeZone());
            if (entered != null) {
                immunization.setRecordedElement(entered);
            }
        }
        BigDecimal amount = Datatypes.decimal(rxa.get(6));
        if (amount != null && amount.compareTo(UNKNOWN_AMOUNT) != 0) {
            SimpleQuantity dose = new SimpleQuantity();
            dose.setValue(amount);
            Datatypes.applyUnit(dose, rxa.get(7, 1), rxa.get(7, 2), rxa.get(7, 3));
            immunization.setDoseQuantity(dose);
        }
        // RXA-9 (administration notes, NIP001): 00 is a new record from the administering provider, any
        // other code a historical one from another source.
        String source = rxa.get(9, 1);
        if (source != null) {
            immunization.setPrimarySource("00".equals(source));
            if (!"00".equals(source)) {
                immunization.setReportOrigin(Datatypes.codeableConcept(rxa, 9, 0));
            }
        }
        for (int rep = 0; rep < rxa.repetitions(10); rep++) {
            Reference actor = Datatypes.practitioner(rxa, 10, rep);
            if (actor != null) {
                immunization
                        .addPerformer()
                        .setFunction(function("AP", "Administering Provider"))
                        .setActor(actor);
            }
        }
        Reference orderedBy = Datatypes.practitioner(orc, 12, 0);
        if (orderedBy != null) {
            immunization
                    .addPerformer()
                    .setFunction(function("OP", "Ordering Provider"))
                    .setActor(orderedBy);
        }
        immunization.setLotNumber(rxa.get(15));
        try {
            immunization.setExpirationDateElement(Hl7Timestamps.date(rxa.get(16)));
        } catch (IllegalArgumentException e) {
            throw new MappingException("INGEST-HL7-BAD-DATE", "RXA-16 is not an HL7 v2 date");
        }
        String manufacturer = rxa.get(17, 1);
        if (manufacturer != null || rxa.get(17, 2) != null) {
            Reference organisation = new Reference().setType("Organization").setDisplay(rxa.get(17, 2));
            if (manufacturer != null) {
                String system = Datatypes.system(rxa.get(17, 3));
                organisation.setIdentifier(new Identifier().setSystem(system).setValue(manufacturer));
            }
            immunization.setManufacturer(organisation);
        }
        CodeableConcept refusal = Datatypes.codeableConcept(rxa, 18, 0);
        if (refusal != null) {
            immunization.setStatusReason(refusal);
        }
        for (int rep = 0; rep < rxa.repetitions(19); rep++) {
            CodeableConcept indication = Datatypes.codeableConcept(rxa, 19, rep);
            if (indication != null) {
                immunization.addReasonCode(indication);
            }
        }
        if (rxr != null) {
            immunization.setRoute(Datatypes.codeableConcept(rxr, 1, 0));
            immunization.setSite(Datatypes.codeableConcept(rxr, 2, 0));
        }
        location(rxa, immunization);
        for (int field : new int[] {4, 8, 11}) {
            if (rxa.present(field)) {
                unmapped.add("RXA-" + field);
            }
        }
        return immunization;
    }

    /**
     * RXA-27 (administered at, a PL) and RXA-28 (its address) as the location: a logical reference named
     * by the place, or with an address a contained Location, since partners' places have no identity in
     * the portal and the address has nowhere else to go.
     */
    private static void location(Fields rxa, Immunization immunization) throws MappingException {
        Reference place = EncounterMapping.location(rxa, 27);
        Address address = Datatypes.address(rxa, 28, 0);
        if (address == null) {
            immunization.setLocation(place);
            return;
        }
        Location location = new Location().setAddress(address);
        location.setId("administered-at");
        location.setName(place == null ? null : place.getDisplay());
        immunization.addContained(location);
        immunization.setLocation(new Reference("#administered-at").setDisplay(location.getName()));
    }

    /**
     * The two order observations FHIR has Immunization elements for: LOINC 64994-7 (vaccine funding
     * program eligibility) as programEligibility and 30963-3 (vaccine funding source) as fundingSource.
     */
    private static void eligibilityAndFunding(Fields obx, Immunization immunization) {
        CodeableConcept value = Datatypes.codeableConcept(obx, 5, 0);
        if (value == null) {
            return;
        }
        if ("64994-7".equals(obx.get(3, 1))) {
            immunization.addProgramEligibility(value);
        } else if ("30963-3".equals(obx.get(3, 1))) {
            immunization.setFundingSource(value);
        }
    }

    private static CodeableConcept function(String code, String display) {
        return new CodeableConcept().addCoding(new Coding(V2_0443, code, display));
    }

    /**
     * RXA-21 {@code D} (deleted) is entered-in-error; otherwise RXA-20 (table 0322): CP complete and PA
     * partially administered are completed, RE refused and NA not administered are not-done; empty is
     * completed, as the IG's RXA-20 rows say.
     */
    private static Immunization.ImmunizationStatus status(String completion, String action) {
        if ("D".equals(action)) {
            return Immunization.ImmunizationStatus.ENTEREDINERROR;
        }
        if ("RE".equals(completion) || "NA".equals(completion)) {
            return Immunization.ImmunizationStatus.NOTDONE;
        }
        return Immunization.ImmunizationStatus.COMPLETED;
    }
}
