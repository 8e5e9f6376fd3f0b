package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

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

    private static final String V3_MARITAL_STATUS = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus";
    private static final String V3_NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor";
    private static final String V3_RELIGION = "http://terminology.hl7.org/CodeSystem/v3-ReligiousAffiliation";
    private static final String EXTENSION = "http://hl7.org/fhir/StructureDefinition/";
    static final String MOTHERS_MAIDEN_NAME = EXTENSION + "patient-mothersMaidenName";
    static final String BIRTH_TIME = EXTENSION + "patient-birthTime";
    static final String RELIGION = EXTENSION + "patient-religion";
    static final String BIRTH_PLACE = EXTENSION + "patient-birthPlace";
    static final String CITIZENSHIP = EXTENSION + "patient-citizenship";
    static final String NATIONALITY = EXTENSION + "patient-nationality";
    static final String ANIMAL = EXTENSION + "patient-animal";
    static final String DISABILITY = EXTENSION + "patient-disability";
    static final String CONGREGATION = EXTENSION + "patient-congregation";
    static final String IMPORTANCE = EXTENSION + "patient-importance";

    /** {@code codesystems/Religion}: the table 0006 codes the map gives a v3 ReligiousAffiliation code. */
    private static final Map<String, Coding> RELIGIONS = religions(
            "A:1007:Atheism",
            "B:1009:Baptist",
            "E:1069:Episcopalian",
            "J:1026:Judaism",
            "L:1028:Lutheran",
            "M:1027:Latter Day Saints",
            "N:1020:Hinduism",
            "P:1077:Protestant",
            "AGN:1004:Agnosticism",
            "ATH:1007:Atheism",
            "BAH:1008:Babi & Baha'I faiths",
            "BRE:1062:Brethren",
            "BMA:1029:Mahayana",
            "BTH:1051:Theravada",
            "CHR:1013:Christian (non-Catholic, non-specific)",
            "ANG:1005:Anglican",
            "AOG:1061:Assembly of God",
            "BAP:1009:Baptist",
            "CRR:1079:Reformed",
            "CHS:1063:Christian Scientist",
            "COC:1064:Church of Christ",
            "COG:1065:Church of God",
            "COL:1066:Congregational",
            "EOT:1068:Eastern Orthodox",
            "EPI:1069:Episcopalian",
            "FRQ:1071:Friends",
            "FUL:1072:Full Gospel",
            "JWN:1025:Jehovah's Witnesses",
            "MOM:1027:Latter Day Saints",
            "LUT:1028:Lutheran",
            "MET:1073:Methodist",
            "NAZ:1075:Nazarene",
            "ORT:1036:Orthodox",
            "PEN:1038:Pentecostal",
            "PRE:1076:Presbyterian",
            "PRO:1077:Protestant",
            "PRC:1078:Protestant, No Denomination",
            "QUA:1071:Friends",
            "REC:1079:Reformed",
            "CAT:1041:Roman Catholic Church",
            "SAA:1080:Salvation Army",
            "SEV:1001:Adventist",
            "UCC:1082:United Church of Christ",
            "UNI:1052:Unitarian-Universalism",
            "UNU:1081:Unitarian Universalist",
            "CNF:1014:Confucianism",
            "DOC:1067:Disciples of Christ",
            "HSH:1020:Hinduism",
            "HVA:1020:Hinduism",
            "HOT:1020:Hinduism",
            "JAI:1024:Jainism",
            "MOS:1023:Islam",
            "MSH:1045:Shiite (Islam)",
            "MSU:1049:Sunni (Islam)",
            "NAM:1074:Native American",
            "SHN:1046:Shinto",
            "SIK:1047:Sikism",
            "SPI:1048:Spiritualism");

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
        // PID-2 (patient id) and PID-4 (alternate id): older versions' places for further identifiers.
        for (int field : new int[] {2, 4}) {
            for (int rep = 0; rep < pid.repetitions(field); rep++) {
                Identifier other = Datatypes.identifier(pid, field, rep);
                if (other != null) {
                    patient.addIdentifier(other);
                }
            }
        }
        // PID-18 (account number): kept as an identifier of type AN; we write no Account (PID[Account]).
        Identifier account = Datatypes.identifier(pid, 18, 0);
        if (account != null) {
            if (!account.hasType()) {
                account.setType(Datatypes.identifierType("AN"));
            }
            patient.addIdentifier(account);
        }
        // PID-19 (social security number): type SB outside the US, as the IG's row says, without a system.
        if (pid.get(19) != null) {
            patient.addIdentifier(new Identifier().setValue(pid.get(19)).setType(Datatypes.identifierType("SB")));
        }
        // PID-20 (driver's licence, DLN): number, issuing state as assigner, expiry.
        if (pid.get(20, 1) != null) {
            Identifier licence = new Identifier().setValue(pid.get(20, 1)).setType(Datatypes.identifierType("DL"));
            if (pid.get(20, 2) != null) {
                licence.setAssigner(new Reference().setDisplay(pid.get(20, 2)));
            }
            // DLN-3 (expiration date) ends the licence's validity.
            Period valid = Datatypes.validity(pid, 20, 0, 3, 3);
            if (valid != null) {
                licence.setPeriod(new Period().setEndElement(valid.getEndElement()));
            }
            patient.addIdentifier(licence);
        }
        for (int field : new int[] {5, 9}) {
            for (int rep = 0; rep < pid.repetitions(field); rep++) {
                var name = Datatypes.humanName(pid, field, rep);
                if (name != null) {
                    patient.addName(name);
                }
                // XPN-15 (called by): a nickname, as the IG's XPN[HumanName] rows say.
                if (pid.get(field, rep, 15) != null) {
                    patient.addName().setUse(HumanName.NameUse.NICKNAME).addGiven(pid.get(field, rep, 15));
                }
            }
        }
        String mothersMaidenName = pid.get(6, 0, 1, 1);
        if (mothersMaidenName != null) {
            patient.addExtension(MOTHERS_MAIDEN_NAME, new StringType(mothersMaidenName));
        }
        birth(pid, partner, patient);
        String sex = pid.get(8);
        if (sex != null) {
            patient.setGender(gender(sex));
        }
        Extension race = RaceAndEthnicity.race(pid, 10);
        if (race != null) {
            patient.addExtension(race);
        } else if (pid.present(10)) {
            unmapped.add("PID-10 race outside the CDC race codes");
        }
        for (int rep = 0; rep < pid.repetitions(11); rep++) {
            var address = Datatypes.address(pid, 11, rep);
            if (address != null) {
                patient.addAddress(address);
            }
        }
        countyCode(pid, patient);
        for (int field : new int[] {13, 14, 40}) {
            for (int rep = 0; rep < pid.repetitions(field); rep++) {
                ContactPoint telecom = Datatypes.contactPoint(
                        pid,
                        field,
                        rep,
                        field == 14
                                ? ContactPoint.ContactPointUse.WORK
                                : field == 13 ? ContactPoint.ContactPointUse.HOME : null);
                if (telecom != null) {
                    patient.addTelecom(telecom);
                }
            }
        }
        CodeableConcept language = Datatypes.language(pid, 15, 0);
        if (language != null) {
            // PID-15 is the patient's primary language: the one they prefer.
            patient.addCommunication().setLanguage(language).setPreferred(true);
        } else if (pid.present(15)) {
            unmapped.add("PID-15 language outside ISO 639");
        }
        maritalStatus(pid, patient, unmapped);
        CodeableConcept religion = religion(pid);
        if (religion != null) {
            patient.addExtension(RELIGION, religion);
        }
        Extension ethnicity = RaceAndEthnicity.ethnicity(pid, 22);
        if (ethnicity != null) {
            patient.addExtension(ethnicity);
        } else if (pid.present(22)) {
            unmapped.add("PID-22 ethnic group outside table 0189 and the CDC ethnicity codes");
        }
        if (pid.get(23) != null) {
            patient.addExtension(BIRTH_PLACE, new Address().setText(pid.get(23)));
        }
        String multipleBirth = pid.get(24);
        BigDecimal birthOrder = Datatypes.decimal(pid.get(25));
        if (birthOrder != null && birthOrder.signum() >= 0 && birthOrder.scale() <= 0) {
            patient.setMultipleBirth(new IntegerType(birthOrder.intValue()));
        } else if (yesNo(multipleBirth) != null) {
            patient.setMultipleBirth(new BooleanType(yesNo(multipleBirth)));
        }
        // PID-26 (citizenship) and PID-39 (tribal citizenship) alike in the patient-citizenship extension.
        for (int field : new int[] {26, 39}) {
            for (int rep = 0; rep < pid.repetitions(field); rep++) {
                CodeableConcept citizenship = Datatypes.codeableConcept(pid, field, rep);
                if (citizenship != null) {
                    patient.addExtension().setUrl(CITIZENSHIP).addExtension("code", citizenship);
                }
            }
        }
        CodeableConcept nationality = Datatypes.codeableConcept(pid, 28, 0);
        if (nationality != null) {
            patient.addExtension().setUrl(NATIONALITY).addExtension("code", nationality);
        }
        DateTimeType deceased = Datatypes.dateTime(pid, 29, partner.timeZone());
        if (deceased != null) {
            patient.setDeceased(deceased);
        } else if (yesNo(pid.get(30)) != null) {
            patient.setDeceased(new BooleanType(yesNo(pid.get(30))));
        }
        animal(pid, patient);
        for (int field : new int[] {21, 27, 31, 32}) {
            if (pid.present(field)) {
                unmapped.add("PID-" + field);
            }
        }
        return new MappedPatient(patient, matchOn);
    }

    /** PID-7: birthDate, and the time of birth in the birthTime extension when PID-7 holds one. */
    private static void birth(Fields pid, PartnerProperties partner, Patient patient) throws MappingException {
        try {
            patient.setBirthDateElement(Hl7Timestamps.date(pid.get(7)));
        } catch (IllegalArgumentException e) {
            throw new MappingException("INGEST-HL7-BAD-DATE", "PID-7 is not an HL7 v2 date");
        }
        String born = pid.get(7);
        if (born != null && born.strip().length() > 8) {
            patient.getBirthDateElement().addExtension(BIRTH_TIME, Datatypes.dateTime(pid, 7, partner.timeZone()));
        }
    }

    /**
     * PID-12 (county) as the district of the one address when it has none of its own (XAD-9), else of an
     * address of its own, as the IG's PID-12 rows say.
     */
    private static void countyCode(Fields pid, Patient patient) {
        String county = pid.get(12);
        if (county == null) {
            return;
        }
        if (patient.getAddress().size() == 1 && !patient.getAddressFirstRep().hasDistrict()) {
            patient.getAddressFirstRep().setDistrict(county);
        } else if (patient.getAddress().size() != 1
                || !county.equals(patient.getAddressFirstRep().getDistrict())) {
            patient.addAddress().setDistrict(county);
        }
    }

    /**
     * PID-16 by {@code codesystems/MaritalStatus}; a code outside the map is kept as sent (CWE[CodeableConcept]),
     * without a system.
     */
    private static void maritalStatus(Fields pid, Patient patient, List<String> unmapped) {
        String marital = pid.get(16, 1);
        if (marital != null && MARITAL_STATUS.containsKey(marital)) {
            patient.setMaritalStatus(new CodeableConcept()
                    .addCoding(MARITAL_STATUS.get(marital).copy().setVersion(pid.get(16, 7))));
        } else if (marital != null) {
            CodeableConcept sent = Datatypes.codeableConcept(pid, 16, 0);
            sent.getCoding().forEach(coding -> coding.setSystem(null));
            patient.setMaritalStatus(sent);
            unmapped.add("PID-16 marital status outside the IG's MaritalStatus map");
        }
    }

    /** PID-17 by {@code codesystems/Religion} (table 0006 to v3 ReligiousAffiliation), else as sent. */
    private static CodeableConcept religion(Fields pid) {
        CodeableConcept sent = Datatypes.codeableConcept(pid, 17, 0);
        String code = pid.get(17, 1);
        String system = pid.get(17, 3);
        Coding mapped = code == null ? null : RELIGIONS.get(code);
        if (sent == null || mapped == null || !(system == null || system.equalsIgnoreCase("HL70006"))) {
            return sent;
        }
        CodeableConcept religion = new CodeableConcept().addCoding(mapped.copy());
        religion.setText(pid.get(17, 2));
        return religion;
    }

    /** PID-35 (species) and PID-36 (breed) in the patient-animal extension. */
    private static void animal(Fields pid, Patient patient) {
        CodeableConcept species = Datatypes.codeableConcept(pid, 35, 0);
        CodeableConcept breed = Datatypes.codeableConcept(pid, 36, 0);
        if (species == null && breed == null) {
            return;
        }
        Extension animal = patient.addExtension().setUrl(ANIMAL);
        if (species != null) {
            animal.addExtension("species", species);
        }
        if (breed != null) {
            animal.addExtension("breed", breed);
        }
    }

    /**
     * PD1 into the Patient, after {@code segments/PD1[Patient]}: PD1-3 (primary facility) and PD1-4 (primary
     * care provider) as generalPractitioner, logical references like every Organization and Practitioner we
     * name; PD1-6 (handicap) in the patient-disability extension; PD1-14 (place of worship) in
     * patient-congregation.
     */
    static void addAdditionalDemographics(Patient patient, Fields pd1, List<String> unmapped) {
        for (int rep = 0; rep < pd1.repetitions(3); rep++) {
            Reference facility = Datatypes.organization(pd1, 3, rep);
            if (facility != null) {
                patient.addGeneralPractitioner(facility);
            }
        }
        for (int rep = 0; rep < pd1.repetitions(4); rep++) {
            Reference doctor = Datatypes.practitioner(pd1, 4, rep);
            if (doctor != null) {
                patient.addGeneralPractitioner(doctor);
            }
        }
        CodeableConcept handicap = Datatypes.codeableConcept(pd1, 6, 0);
        if (handicap != null) {
            patient.addExtension(DISABILITY, handicap);
        }
        for (int rep = 0; rep < pd1.repetitions(14); rep++) {
            if (pd1.get(14, rep, 1) != null) {
                patient.addExtension(CONGREGATION, new StringType(pd1.get(14, rep, 1)));
            }
        }
        for (int field : new int[] {1, 2, 5, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22}) {
            if (pd1.present(field)) {
                unmapped.add("PD1-" + field);
            }
        }
    }

    /** PV1-16 (VIP indicator) in the patient-importance extension ({@code segments/PV1[Patient]}). */
    static void addImportance(Patient patient, Fields pv1) {
        CodeableConcept vip = Datatypes.codeableConcept(pv1, 16, 0);
        if (vip != null) {
            patient.addExtension(IMPORTANCE, vip);
        }
    }

    /** {@code codesystems/YesNoIndicator}: Y true, N false (also spelt out); anything else null. */
    static Boolean yesNo(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.toUpperCase(java.util.Locale.ROOT)) {
            case "Y", "YES" -> Boolean.TRUE;
            case "N", "NO" -> Boolean.FALSE;
            default -> null;
        };
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
                nhs.setType(Datatypes.identifierType(type)).setPeriod(Datatypes.validity(segment, field, rep, 7, 8));
                identifiers.add(nhs);
            } else if ("MR".equals(type) && mrn == null) {
                mrn = mrn(value, authority, partner);
                mrn.setPeriod(Datatypes.validity(segment, field, rep, 7, 8));
                identifiers.add(mrn);
            } else {
                others.add(rep);
            }
        }
        if (mrn == null && !others.isEmpty()) {
            int first = others.remove(0);
            mrn = mrn(segment.get(field, first, 1), segment.get(field, first, 4, 1), partner);
            // The type the partner gave it, if any: the partner's record number whatever it calls it.
            if (segment.get(field, first, 5) != null) {
                mrn.setType(Datatypes.identifierType(segment.get(field, first, 5)));
            }
            mrn.setPeriod(Datatypes.validity(segment, field, first, 7, 8));
            identifiers.add(mrn);
        }
        for (int rep : others) {
            identifiers.add(Datatypes.identifier(segment, field, rep));
        }
        Identifier matchOn = nhs != null ? nhs : mrn;
        if (matchOn == null) {
            throw new MappingException(
                    "INGEST-HL7-NO-PATIENT-ID", where + " holds neither an NHS number nor a medical record number");
        }
        return new PatientIdentity(identifiers, matchOn);
    }

    /**
     * NK1 (next of kin, associated parties) as Patient.contact, after the IG's {@code segments/NK1[Patient]}
     * rows: NK1-2 name, NK1-7 (contact role, {@code codesystems/ContactRole}: table 0131) relationship,
     * NK1-4 address, NK1-5 (home), NK1-6 (work), NK1-40 and NK1-41 telecom, NK1-8/9 period, NK1-13
     * organization (a logical reference), NK1-15 gender. NK1-3 (relationship, table 0063), for which the IG
     * finds no element, is kept as a further relationship: who the person is matters more to a patient's
     * carers than the table it comes from. A party with none of name, telecom, address or organisation is
     * left out (FHIR's pat-1). The IG's RelatedPerson reading is not written: an NK1 carries no identifier
     * of its own (NK1-33 is rarely sent) that could give one a stable identity.
     */
    static void addContacts(Patient patient, List<Fields> nk1s, List<String> unmapped) throws MappingException {
        for (Fields nk1 : nk1s) {
            Patient.ContactComponent contact = new Patient.ContactComponent();
            contact.setName(Datatypes.humanName(nk1, 2, 0));
            CodeableConcept role = Datatypes.codeableConcept(nk1, 7, 0, "0131");
            if (role != null) {
                contact.addRelationship(role);
            }
            CodeableConcept relationship = Datatypes.codeableConcept(nk1, 3, 0, "0063");
            if (relationship != null) {
                contact.addRelationship(relationship);
            }
            contact.setAddress(Datatypes.address(nk1, 4, 0));
            for (int field : new int[] {5, 6, 40, 41}) {
                for (int rep = 0; rep < nk1.repetitions(field); rep++) {
                    ContactPoint telecom = Datatypes.contactPoint(
                            nk1,
                            field,
                            rep,
                            field == 5
                                    ? ContactPoint.ContactPointUse.HOME
                                    : field == 6 ? ContactPoint.ContactPointUse.WORK : null);
                    if (telecom != null) {
                        contact.addTelecom(telecom);
                    }
                }
            }
            contact.setOrganization(Datatypes.organization(nk1, 13, 0));
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

    private static Identifier mrn(String value, String authority, PartnerProperties partner) {
        Identifier identifier = new Identifier()
                .setSystem(partner.identifierSystems().mrn())
                .setValue(value)
                .setType(Datatypes.identifierType("MR"));
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

    private static Map<String, Coding> religions(String... rows) {
        Map<String, Coding> religions = new java.util.HashMap<>();
        for (String row : rows) {
            String[] cells = row.split(":", 3);
            religions.put(cells[0], new Coding(V3_RELIGION, cells[1], cells[2]));
        }
        return Map.copyOf(religions);
    }
}
