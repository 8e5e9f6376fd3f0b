package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * PV1 as Encounter, after the v2-to-FHIR IG's {@code segments/PV1[Encounter]} rows for PV1-2 (class,
 * {@code codesystems/PatientClass[EncounterClass]}), PV1-19 (identifier), PV1-44/45 (period). The
 * status follows the trigger event ({@code messages/ADT_A01}: A01 admit in-progress, A04 registration
 * arrived, A08 update keeps in-progress unless a discharge time is present; A03 discharge finished, with
 * period.end from PV1-45, else EVN-6, the event's occurrence). No visit number (PV1-19)
 * means no stable identity, so no Encounter is written.
 */
final class EncounterMapping {

    private static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private EncounterMapping() {}

    record MappedEncounter(Encounter encounter, Identifier matchOn) {}

    static MappedEncounter map(Fields pv1, Fields evn, String trigger, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        String visit = pv1.get(19, 1);
        if (visit == null) {
            unmapped.add("PV1 without a visit number (PV1-19): no Encounter written");
            return null;
        }
        Identifier identifier = new Identifier()
                .setSystem(partner.identifierSystems().visit())
                .setValue(visit)
                .setType(new CodeableConcept().addCoding(PatientMapping.identifierType("VN")));
        Encounter encounter = new Encounter();
        encounter.addIdentifier(identifier);
        Coding patientClass = patientClass(pv1.get(2));
        if (patientClass == null) {
            unmapped.add("PV1-2 patient class outside HL7 table 0004");
            patientClass = unknownClass();
        }
        encounter.setClass_(patientClass);
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
        } else if ("A04".equals(trigger)) {
            encounter.setStatus(Encounter.EncounterStatus.ARRIVED);
        } else {
            encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
        }
        participants(pv1, encounter);
        Reference bed = location(pv1, 3);
        if (bed != null) {
            encounter
                    .addLocation()
                    .setLocation(bed)
                    .setStatus(
                            "P".equals(pv1.get(2))
                                    ? Encounter.EncounterLocationStatus.PLANNED
                                    : Encounter.EncounterLocationStatus.ACTIVE);
        }
        CodeableConcept admissionType = Datatypes.codeableConcept(pv1, 4, 0);
        if (admissionType != null) {
            encounter.addType(admissionType);
        }
        encounter.setServiceType(Datatypes.codeableConcept(pv1, 10, 0));
        CodeableConcept admitSource = Datatypes.codeableConcept(pv1, 14, 0);
        if (admitSource != null) {
            encounter.getHospitalization().setAdmitSource(admitSource);
        }
        CodeableConcept disposition = Datatypes.codeableConcept(pv1, 36, 0);
        if (disposition != null) {
            encounter.getHospitalization().setDischargeDisposition(disposition);
        }
        for (int field : new int[] {5, 6, 11, 13, 18, 37, 38, 39, 42, 43, 50}) {
            if (pv1.present(field)) {
                unmapped.add("PV1-" + field);
            }
        }
        return new MappedEncounter(encounter, identifier);
    }

    /** PV1-7 attending, PV1-8 referring, PV1-9 consulting, PV1-17 admitting doctors, as the IG types them. */
    private static void participants(Fields pv1, Encounter encounter) {
        int[][] roles = {{7, 0}, {8, 1}, {9, 2}, {17, 3}};
        String[][] types = {{"ATND", "attender"}, {"REF", "referrer"}, {"CON", "consultant"}, {"ADM", "admitter"}};
        for (int[] role : roles) {
            for (int rep = 0; rep < pv1.repetitions(role[0]); rep++) {
                Reference doctor = Datatypes.practitioner(pv1, role[0], rep);
                if (doctor != null) {
                    String[] type = types[role[1]];
                    encounter
                            .addParticipant()
                            .setIndividual(doctor)
                            .addType(new CodeableConcept().addCoding(new Coding(PARTICIPATION_TYPE, type[0], type[1])));
                }
            }
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
