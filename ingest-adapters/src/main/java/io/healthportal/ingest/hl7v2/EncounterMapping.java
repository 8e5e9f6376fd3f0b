package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * PV1 and PV2 as Encounter, after the v2-to-FHIR IG's {@code segments/PV1[Encounter]} rows (PV1-2 class,
 * {@code codesystems/PatientClass[EncounterClass]}; PV1-3, 6, 11, 42 locations; PV1-4 type, {@code
 * codesystems/AdmissionType}; PV1-5 preAdmissionIdentifier; PV1-7, 8, 9, 17, 52 participants; PV1-10
 * serviceType; PV1-13 reAdmission; PV1-14 admitSource; PV1-15 specialArrangement; PV1-16 specialCourtesy;
 * PV1-19 identifier; PV1-36 dischargeDisposition; PV1-37 destination; PV1-38 dietPreference; PV1-44/45
 * period; PV1-50 identifier) and {@code segments/PV2[Encounter]} rows (PV2-1 location, PV2-3 reasonCode,
 * PV2-11 length, PV2-13 participant, PV2-25 priority, {@code codesystems/EncounterPriority}; PV2-38 the
 * encounter-modeOfArrival extension). The status is finished once the patient has left (PV1-45; an A03
 * discharge, with period.end from PV1-45, else EVN-6, the event's occurrence), else by the patient class
 * ({@code codesystems/PatientClass[EncounterStatus]}: P planned, U unknown, the others in-progress). No
 * visit number (PV1-19) means no stable identity, so no Encounter is written.
 */
final class EncounterMapping {

    private static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private static final String V3_ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority";
    private static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    private static final String MODE_OF_ARRIVAL = "http://hl7.org/fhir/StructureDefinition/encounter-modeOfArrival";

    private EncounterMapping() {}

    record MappedEncounter(Encounter encounter, Identifier matchOn) {}

    /**
     * The Encounter of a PV1 (and its PV2, when the message has one), or null when the PV1 has no visit
     * number.
     */
    static MappedEncounter map(
            Fields pv1, Fields pv2, Fields evn, String trigger, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        String visit = pv1.get(19, 1);
        if (visit == null) {
            unmapped.add("PV1 without a visit number (PV1-19): no Encounter written");
            return null;
        }
        Identifier identifier = new Identifier()
                .setSystem(partner.identifierSystems().visit())
                .setValue(visit)
                .setType(Datatypes.identifierType("VN").setText("visit number"));
        String authority = pv1.get(19, 0, 4, 1);
        if (authority != null) {
            identifier.setAssigner(new Reference().setDisplay(authority));
        }
        Encounter encounter = new Encounter();
        encounter.addIdentifier(identifier);
        for (int rep = 0; rep < pv1.repetitions(50); rep++) {
            Identifier alternate = Datatypes.identifier(pv1, 50, rep);
            if (alternate != null) {
                encounter.addIdentifier(alternate);
            }
        }
        Coding patientClass = patientClass(pv1.get(2));
        if (patientClass == null) {
            unmapped.add("PV1-2 patient class outside HL7 table 0004");
            patientClass = unknownClass();
        }
        encounter.setClass_(patientClass);
        period(pv1, evn, trigger, partner, encounter);
        participants(pv1, pv2, encounter);
        locations(pv1, pv2, encounter);
        CodeableConcept admissionType = Datatypes.codeableConcept(pv1, 4, 0, "0007");
        if (admissionType != null) {
            encounter.addType(admissionType);
        }
        encounter.setServiceType(Datatypes.codeableConcept(pv1, 10, 0, "0069"));
        hospitalization(pv1, encounter.getHospitalization());
        if (pv2 != null) {
            visitDetails(pv2, encounter, unmapped);
        }
        if (encounter.getHospitalization().isEmpty()) {
            encounter.setHospitalization(null);
        }
        for (int field : new int[] {18, 39, 40, 53, 54}) {
            if (pv1.present(field)) {
                unmapped.add("PV1-" + field);
            }
        }
        return new MappedEncounter(encounter, identifier);
    }

    /** PV1-44/45 as the period, and the status from the discharge, the trigger and the patient class. */
    private static void period(Fields pv1, Fields evn, String trigger, PartnerProperties partner, Encounter encounter)
            throws MappingException {
        DateTimeType admitted = Datatypes.dateTime(pv1, 44, partner.timeZone());
        DateTimeType discharged = Datatypes.dateTime(pv1, 45, partner.timeZone());
        if (discharged == null && "A03".equals(trigger) && evn != null) {
            // A discharge without PV1-45: the event's occurrence (EVN-6) is when the patient left.
            discharged = Datatypes.dateTime(evn, 6, partner.timeZone());
        }
        if (admitted != null && discharged != null && discharged.getValue().before(admitted.getValue())) {
            // A feed that contradicts itself: which time is wrong cannot be told, so neither is written.
            throw new MappingException(
                    "INGEST-HL7-BAD-PERIOD", "the discharge time (PV1-45) is before the admission time (PV1-44)");
        }
        if (admitted != null || discharged != null) {
            Period period = new Period();
            period.setStartElement(admitted);
            period.setEndElement(discharged);
            encounter.setPeriod(period);
        }
        if (discharged != null || "A03".equals(trigger)) {
            encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        } else if ("P".equals(pv1.get(2))) {
            encounter.setStatus(Encounter.EncounterStatus.PLANNED);
        } else if ("U".equals(pv1.get(2))) {
            encounter.setStatus(Encounter.EncounterStatus.UNKNOWN);
        } else {
            encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
        }
    }

    /**
     * PV1-5 preAdmissionIdentifier, PV1-13 reAdmission (table 0092), PV1-14 admitSource, PV1-15
     * specialArrangement (table 0009), PV1-16 specialCourtesy, PV1-36 dischargeDisposition, PV1-37
     * destination (a logical reference by the location's code, DLD-1), PV1-38 dietPreference.
     */
    private static void hospitalization(Fields pv1, Encounter.EncounterHospitalizationComponent hospitalization)
            throws MappingException {
        hospitalization.setPreAdmissionIdentifier(Datatypes.identifier(pv1, 5, 0));
        hospitalization.setReAdmission(Datatypes.codeableConcept(pv1, 13, 0, "0092"));
        hospitalization.setAdmitSource(Datatypes.codeableConcept(pv1, 14, 0, "0023"));
        for (int rep = 0; rep < pv1.repetitions(15); rep++) {
            CodeableConcept arrangement = Datatypes.codeableConcept(pv1, 15, rep, "0009");
            if (arrangement != null) {
                hospitalization.addSpecialArrangement(arrangement);
            }
        }
        CodeableConcept courtesy = Datatypes.codeableConcept(pv1, 16, 0);
        if (courtesy != null) {
            hospitalization.addSpecialCourtesy(courtesy);
        }
        hospitalization.setDischargeDisposition(Datatypes.codeableConcept(pv1, 36, 0));
        if (pv1.get(37, 1) != null) {
            hospitalization.setDestination(new Reference().setType("Location").setDisplay(pv1.get(37, 1)));
        }
        CodeableConcept diet = Datatypes.codeableConcept(pv1, 38, 0);
        if (diet != null) {
            hospitalization.addDietPreference(diet);
        }
    }

    /**
     * PV2-3 reasonCode (admit reason), PV2-11 length (actual length of stay, in days), PV2-25 priority
     * ({@code codesystems/EncounterPriority}: table 0217 to v3 ActPriority), PV2-38 mode of arrival (the
     * encounter-modeOfArrival extension, table 0430).
     */
    private static void visitDetails(Fields pv2, Encounter encounter, List<String> unmapped) {
        CodeableConcept reason = Datatypes.codeableConcept(pv2, 3, 0);
        if (reason != null) {
            encounter.addReasonCode(reason);
        }
        BigDecimal days = Datatypes.decimal(pv2.get(11));
        if (days != null) {
            Duration length = new Duration();
            length.setValue(days).setUnit("d").setSystem(Datatypes.UCUM).setCode("d");
            encounter.setLength(length);
        }
        CodeableConcept priority = Datatypes.codeableConcept(pv2, 25, 0);
        if (priority != null) {
            priority.getCoding().forEach(EncounterMapping::priority);
            encounter.setPriority(priority);
        }
        CodeableConcept arrival = Datatypes.codeableConcept(pv2, 38, 0, "0430");
        if (arrival != null && arrival.hasCoding()) {
            encounter.addExtension(MODE_OF_ARRIVAL, arrival.getCodingFirstRep());
        }
        for (int field : new int[] {2, 4, 7, 8, 9, 10, 12, 21, 22, 23, 24, 40}) {
            if (pv2.present(field)) {
                unmapped.add("PV2-" + field);
            }
        }
    }

    /** {@code codesystems/EncounterPriority}: table 0217's 1, 2, 3 as v3 ActPriority EM, UR, EL. */
    private static void priority(Coding coding) {
        String[] mapped = switch (coding.getCode()) {
            case "1" -> new String[] {"EM", "emergency"};
            case "2" -> new String[] {"UR", "urgent"};
            case "3" -> new String[] {"EL", "elective"};
            default -> null;
        };
        if (mapped != null && !coding.hasSystem()) {
            coding.setSystem(V3_ACT_PRIORITY).setCode(mapped[0]).setDisplay(mapped[1]);
        }
    }

    /**
     * PV1-7 attending (ATND), PV1-8 referring (REF), PV1-9 consulting (CON), PV1-17 admitting (ADM), PV1-52
     * other healthcare provider (PART) and PV2-13 referral source (REF) doctors, typed as the IG's rows type
     * them: the v3 ParticipationType coding, and its display (attender, referrer, ...) as the text.
     */
    private static void participants(Fields pv1, Fields pv2, Encounter encounter) {
        participants(pv1, 7, "ATND", "attender", encounter);
        participants(pv1, 8, "REF", "referrer", encounter);
        participants(pv1, 9, "CON", "consultant", encounter);
        participants(pv1, 17, "ADM", "admitter", encounter);
        participants(pv1, 52, "PART", "Participation", encounter);
        if (pv2 != null) {
            participants(pv2, 13, "REF", "referrer", encounter);
        }
    }

    private static void participants(Fields segment, int field, String code, String display, Encounter encounter) {
        for (int rep = 0; rep < segment.repetitions(field); rep++) {
            Reference doctor = Datatypes.practitioner(segment, field, rep);
            if (doctor != null) {
                encounter
                        .addParticipant()
                        .setIndividual(doctor)
                        .addType(new CodeableConcept()
                                .addCoding(new Coding(PARTICIPATION_TYPE, code, display))
                                .setText(display));
            }
        }
    }

    /**
     * PV1-3 (assigned, active; planned for a pre-admission), PV1-6 (prior, completed), PV1-11 (temporary,
     * active), PV1-42 (pending, planned), PV1-43 (prior temporary, completed: the IG leaves it out, but a
     * place the patient was is where they were) and PV2-1 (prior pending, planned).
     */
    private static void locations(Fields pv1, Fields pv2, Encounter encounter) {
        location(
                pv1,
                3,
                "P".equals(pv1.get(2))
                        ? Encounter.EncounterLocationStatus.PLANNED
                        : Encounter.EncounterLocationStatus.ACTIVE,
                encounter);
        location(pv1, 6, Encounter.EncounterLocationStatus.COMPLETED, encounter);
        location(pv1, 11, Encounter.EncounterLocationStatus.ACTIVE, encounter);
        location(pv1, 42, Encounter.EncounterLocationStatus.PLANNED, encounter);
        location(pv1, 43, Encounter.EncounterLocationStatus.COMPLETED, encounter);
        if (pv2 != null) {
            location(pv2, 1, Encounter.EncounterLocationStatus.PLANNED, encounter);
        }
    }

    private static void location(
            Fields segment, int field, Encounter.EncounterLocationStatus status, Encounter encounter) {
        Reference place = location(segment, field);
        if (place != null) {
            encounter.addLocation().setLocation(place).setStatus(status);
        }
    }

    /**
     * A PL (point of care, room, bed, facility) as a logical reference to a Location, named by its parts:
     * partners' locations are not a shared identity, so no Location is written.
     */
    static Reference location(Fields segment, int field) {
        List<String> parts = new ArrayList<>();
        for (int component : new int[] {1, 2, 3}) {
            if (segment.get(field, 0, component) != null) {
                parts.add(segment.get(field, 0, component));
            }
        }
        String facility = segment.get(field, 0, 4, 1);
        if (facility != null) {
            parts.add(facility);
        }
        return parts.isEmpty() ? null : new Reference().setType("Location").setDisplay(String.join(", ", parts));
    }

    /**
     * {@code codesystems/PatientClass[EncounterClass]}: E, I, O, P to v3 ActCode; R, B, C, N, U keep their
     * table 0004 code, as the map says; an empty PV1-2 is unknown; anything else is null.
     */
    private static Coding patientClass(String code) {
        if (code == null) {
            return unknownClass();
        }
        return switch (code) {
            case "E" -> new Coding(V3_ACT_CODE, "EMER", "emergency");
            case "I" -> new Coding(V3_ACT_CODE, "IMP", "inpatient encounter");
            case "O" -> new Coding(V3_ACT_CODE, "AMB", "ambulatory");
            case "P" -> new Coding(V3_ACT_CODE, "PRENC", "pre-admission");
            case "R", "B", "C", "N", "U" -> new Coding("http://terminology.hl7.org/CodeSystem/v2-0004", code, null);
            default -> null;
        };
    }

    private static Coding unknownClass() {
        return new Coding("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK", "unknown");
    }
}
