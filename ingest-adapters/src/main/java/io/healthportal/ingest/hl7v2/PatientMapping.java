package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * PID as Patient, after the v2-to-FHIR IG's {@code segments/PID[Patient]} rows for PID-3 (identifier),
 * PID-5 (name), PID-7 (birthDate), PID-8 (gender, {@code codesystems/AdministrativeSex}), PID-11
 * (address), PID-13/14 (telecom), PID-29/30 (deceased). The NHS number is the identity across partners:
 * a PID-3 repetition of type {@code NH} or assigned by {@code NHS} must pass its check digit, or the
 * message is refused rather than attached to the wrong person. Without one, the partner's MRN (type
 * {@code MR}, else the first PID-3) with its assigner identifies the patient. Other PID-3 repetitions are
 * kept as identifiers without a system.
 */
final class PatientMapping {

    static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    private static final String V3_MARITAL_STATUS = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus";
    private static final String V3_NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor";

    /**
     * {@code codesystems/MaritalStatus}: table 0002 to v3 MaritalStatus (or NullFlavor). C (common law) is
     * left out: R4's MaritalStatus code system has no such code.
     */
    private static final Map<String, Coding> MARITAL_STATUS = Map.ofEntries(
            Map.entry("A", new Coding(V3_MARITAL_STATUS, "L", "Legally Separated")),
            Map.entry("E", new Coding(V3_MARITAL_STATUS, "L", "Legally Separated")),
            Map.entry("D", new Coding(V3_MARITAL_STATUS, "D", "Divorced")),
            Map.entry("M", new Coding(V3_MARITAL_STATUS, "M", "Married")),
            Map.entry("S", new Coding(V3_MARITAL_STATUS, "S", "Never Married")),
            Map.entry("W", new Coding(V3_MARITAL_STATUS, "W", "Widowed")),
            Map.entry("G", new Coding(V3_MARITAL_STATUS, "T", "Domestic partner")),
            Map.entry("P", new Coding(V3_MARITAL_STATUS, "T", "Domestic partner")),
            Map.entry("R", new Coding(V3_MARITAL_STATUS, "T", "Domestic partner")),
            Map.entry("N", new Coding(V3_MARITAL_STATUS, "A", "Annulled")),
            Map.entry("I", new Coding(V3_MARITAL_STATUS, "I", "Interlocutory")),
            Map.entry("B", new Coding(V3_MARITAL_STATUS, "U", "unmarried")),
            Map.entry("U", new Coding(V3_NULL_FLAVOR, "UNK", "Unknown")),
            Map.entry("O", new Coding(V3_NULL_FLAVOR, "OTH", "Other")),
            Map.entry("T", new Coding(V3_NULL_FLAVOR, "NAVU", "Not available")));

    private PatientMapping() {}

    /** The patient and the identifier the conditional request matches on. */
    record MappedPatient(Patient patient, Identifier matchOn) {}

    static MappedPatient map(Fields pid, PartnerProperties partner, List<String> unmapped) throws MappingException {
        Patient patient = new Patient();
        PatientIdentity identity = identity(pid, 3, partner, unmapped);
        identity.identifiers().forEach(patient::addIdentifier);
        Identifier matchOn = identity.matchOn();
        for (int rep = 0; rep < pid.repetitions(5); rep++) {
            var name = Datatypes.humanName(pid, 5, rep);
            if (name != null) {
                patient.addName(name);
            }
        }
        try {
            patient.setBirthDateElement(Hl7Timestamps.date(pid.get(7)));
        } catch (IllegalArgumentException e) {
            throw new MappingException("INGEST-HL7-BAD-DATE", "PID-7 is not an HL7 v2 date");
        }
        String sex = pid.get(8);
        if (sex != null) {
            patient.setGender(gender(sex));
        }
        for (int rep = 0; rep < pid.repetitions(11); rep++) {
            var address = Datatypes.address(pid, 11, rep);
            if (address != null) {
                patient.addAddress(address);
            }
        }
        for (int rep = 0; rep < pid.repetitions(13); rep++) {
            ContactPoint home = Datatypes.contactPoint(pid, 13, rep, ContactPoint.ContactPointUse.HOME);
            if (home != null) {
                patient.addTelecom(home);
            }
        }
        for (int rep = 0; rep < pid.repetitions(14); rep++) {
            ContactPoint work = Datatypes.contactPoint(pid, 14, rep, ContactPoint.ContactPointUse.WORK);
            if (work != null) {
                patient.addTelecom(work);
            }
        }
        DateTimeType deceased = Datatypes.dateTime(pid, 29, partner.timeZone());
        if (deceased != null) {
            patient.setDeceased(deceased);
        } else if ("Y".equals(pid.get(30)) || "N".equals(pid.get(30))) {
            patient.setDeceased(new BooleanType("Y".equals(pid.get(30))));
        }
        String marital = pid.get(16, 1);
        if (marital != null && MARITAL_STATUS.containsKey(marital)) {
            patient.setMaritalStatus(
                    new CodeableConcept().addCoding(MARITAL_STATUS.get(marital).copy()));
        } else if (marital != null) {
            unmapped.add("PID-16 marital status outside the IG's MaritalStatus map");
        }
        String multipleBirth = pid.get(24);
        BigDecimal birthOrder = Datatypes.decimal(pid.get(25));
        if (birthOrder != null && birthOrder.signum() > 0) {
            patient.setMultipleBirth(new IntegerType(birthOrder.intValue()));
        } else if ("Y".equals(multipleBirth) || "N".equals(multipleBirth)) {
            patient.setMultipleBirth(new BooleanType("Y".equals(multipleBirth)));
        }
        for (int field : new int[] {6, 10, 15, 17, 18, 19, 22, 26}) {
            if (pid.present(field)) {
                unmapped.add("PID-" + field);
            }
        }
        return new MappedPatient(patient, matchOn);
    }

    /** A patient's identifiers from a CX field, and the one a conditional request matches on. */
    record PatientIdentity(List<Identifier> identifiers, Identifier matchOn) {}

    /**
     * The identifiers of a CX field that names a patient (PID-3, MRG-1): an NHS number (type {@code NH} or
     * assigner {@code NHS}, check digit verified) and the partner's MRN (type {@code MR}, else the first
     * other repetition). The NHS number is matched on when present, else the MRN.
     */
    static PatientIdentity identity(Fields segment, int field, PartnerProperties partner, List<String> unmapped)
            throws MappingException {
        String where = segment.name() + "-" + field;
        List<Identifier> identifiers = new ArrayList<>();
        Identifier nhs = null;
        Identifier mrn = null;
        List<Integer> others = new ArrayList<>();
        for (int rep = 0; rep < segment.repetitions(field); rep++) {
            String value = segment.get(field, rep, 1);
            if (value == null) {
                continue;
            }
            String authority = segment.get(field, rep, 4, 1);
            String type = segment.get(field, rep, 5);
            // NH is table 0203's code; NHSNMBR is what several UK systems send instead.
            if ("NH".equals(type) || "NHSNMBR".equals(type) || "NHS".equalsIgnoreCase(authority)) {
                String digits = NhsNumber.normalise(value);
                if (digits == null) {
                    throw new MappingException(
                            "INGEST-HL7-NHS-NUMBER-INVALID",
                            where + " repetition " + (rep + 1)
                                    + " is marked as an NHS number but fails its check digit");
                }
                nhs = new Identifier().setSystem(NhsNumber.SYSTEM).setValue(digits);
                identifiers.add(nhs);
            } else if ("MR".equals(type) && mrn == null) {
                mrn = mrn(value, authority, partner);
                identifiers.add(mrn);
            } else {
                others.add(rep);
            }
        }
        if (mrn == null && !others.isEmpty()) {
            int first = others.remove(0);
            mrn = mrn(segment.get(field, first, 1), segment.get(field, first, 4, 1), partner);
            identifiers.add(mrn);
        }
        for (int rep : others) {
            identifiers.add(other(segment, field, rep));
        }
        Identifier matchOn = nhs != null ? nhs : mrn;
        if (matchOn == null) {
            throw new MappingException(
                    "INGEST-HL7-NO-PATIENT-ID", where + " holds neither an NHS number nor a medical record number");
        }
        return new PatientIdentity(identifiers, matchOn);
    }

    /**
     * NK1 (next of kin, associated parties) as Patient.contact, after the IG's {@code
     * segments/NK1[RelatedPerson]} rows read onto Patient.contact, which has the same elements: NK1-2 name,
     * NK1-3 and NK1-7 relationship, NK1-4 address, NK1-5 (home) and NK1-6 (work) telecom, NK1-8/9 period,
     * NK1-15 gender, NK1-13 organisation name. A party with none of name, telecom, address or organisation
     * is left out (FHIR's pat-1).
     */
    static void addContacts(Patient patient, List<Fields> nk1s, List<String> unmapped) throws MappingException {
        for (Fields nk1 : nk1s) {
            Patient.ContactComponent contact = new Patient.ContactComponent();
            contact.setName(Datatypes.humanName(nk1, 2, 0));
            for (int field : new int[] {3, 7}) {
                CodeableConcept relationship = Datatypes.codeableConcept(nk1, field, 0);
                if (relationship != null) {
                    contact.addRelationship(relationship);
                }
            }
            contact.setAddress(Datatypes.address(nk1, 4, 0));
            for (int rep = 0; rep < nk1.repetitions(5); rep++) {
                ContactPoint home = Datatypes.contactPoint(nk1, 5, rep, ContactPoint.ContactPointUse.HOME);
                if (home != null) {
                    contact.addTelecom(home);
                }
            }
            for (int rep = 0; rep < nk1.repetitions(6); rep++) {
                ContactPoint work = Datatypes.contactPoint(nk1, 6, rep, ContactPoint.ContactPointUse.WORK);
                if (work != null) {
                    contact.addTelecom(work);
                }
            }
            if (nk1.get(13, 1) != null) {
                contact.setOrganization(new Reference().setType("Organization").setDisplay(nk1.get(13, 1)));
            }
            String sex = nk1.get(15, 1);
            if (sex != null) {
                contact.setGender(gender(sex));
            }
            try {
                var start = Hl7Timestamps.date(nk1.get(8));
                var end = Hl7Timestamps.date(nk1.get(9));
                if (start != null || end != null) {
                    contact.getPeriod()
                            .setStartElement(start == null ? null : new DateTimeType(start.getValueAsString()))
                            .setEndElement(end == null ? null : new DateTimeType(end.getValueAsString()));
                }
            } catch (IllegalArgumentException e) {
                throw new MappingException("INGEST-HL7-BAD-DATE", "NK1-8 or NK1-9 is not an HL7 v2 date");
            }
            if (contact.hasName() || contact.hasTelecom() || contact.hasAddress() || contact.hasOrganization()) {
                patient.addContact(contact);
            }
            for (int field : new int[] {10, 11, 12, 16, 20, 30, 31, 32, 33}) {
                if (nk1.present(field)) {
                    unmapped.add("NK1-" + field);
                }
            }
        }
    }

    /** A table 0203 identifier type, with R4's display for the types the mappings assign. */
    static Coding identifierType(String code) {
        String display = switch (code) {
            case "MR" -> "Medical record number";
            case "FILL" -> "Filler Identifier";
            case "PLAC" -> "Placer Identifier";
            case "VN" -> "Visit number";
            default -> null;
        };
        return new Coding(V2_0203, code, display);
    }

    /** Identifier types of table 0203 that R4's v2-0203 code system holds and partners send in PID-3. */
    private static final Set<String> KNOWN_IDENTIFIER_TYPES = Set.of(
            "MR", "SS", "DL", "PI", "AN", "PT", "PN", "PPN", "NI", "SB", "DN", "BRN", "JHN", "MC", "MA", "EN", "PRN");

    /**
     * Another identifier the partner sends (a second MRN, a passport, a US social security number): kept
     * with its type and assigner, without a system, since only the NHS number and the partner's MRN have
     * a known one; never matched on. A type outside table 0203 is kept as text.
     */
    private static Identifier other(Fields segment, int field, int rep) {
        Identifier identifier = new Identifier().setValue(segment.get(field, rep, 1));
        String type = segment.get(field, rep, 5);
        if (type != null) {
            identifier.setType(
                    KNOWN_IDENTIFIER_TYPES.contains(type)
                            ? new CodeableConcept().addCoding(new Coding(V2_0203, type, null))
                            : new CodeableConcept().setText(type));
        }
        String authority = segment.get(field, rep, 4, 1);
        if (authority != null) {
            identifier.setAssigner(new Reference().setDisplay(authority));
        }
        return identifier;
    }

    private static Identifier mrn(String value, String authority, PartnerProperties partner) {
        Identifier identifier = new Identifier()
                .setSystem(partner.identifierSystems().mrn())
                .setValue(value)
                .setType(new CodeableConcept().addCoding(identifierType("MR")));
        identifier.setAssigner(new Reference().setDisplay(authority != null ? authority : partner.id()));
        return identifier;
    }

    /** {@code codesystems/AdministrativeSex}: F, M, O, U; A and N map to other. */
    private static AdministrativeGender gender(String code) {
        return switch (code) {
            case "F" -> AdministrativeGender.FEMALE;
            case "M" -> AdministrativeGender.MALE;
            case "U" -> AdministrativeGender.UNKNOWN;
            case "O", "A", "N" -> AdministrativeGender.OTHER;
            default -> AdministrativeGender.UNKNOWN;
        };
    }
}
