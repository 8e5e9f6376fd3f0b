package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * HL7 v2 datatypes as FHIR datatypes, following the v2-to-FHIR IG's datatype maps
 * ({@code mappings/HL7-v2-to-fhir-IG/datatypes/}: CWE[CodeableConcept], XPN[HumanName],
 * XAD[Address], XTN[ContactPoint], NM[Quantity]). Where a row needs a concept map or vocabulary we do
 * not hold, the simpler reading is taken and the class says so.
 */
final class Datatypes {

    static final String UCUM = "http://unitsofmeasure.org";

    /** HL7 table 0396 coding-system names for the systems partners use most, as FHIR system URIs. */
    private static final Map<String, String> CODING_SYSTEMS = Map.ofEntries(
            Map.entry("LN", "http://loinc.org"),
            Map.entry("LOINC", "http://loinc.org"),
            Map.entry("SCT", "http://snomed.info/sct"),
            Map.entry("SNM", "http://snomed.info/sct"),
            Map.entry("SNOMED", "http://snomed.info/sct"),
            Map.entry("SNOMEDCT", "http://snomed.info/sct"),
            Map.entry("UCUM", UCUM),
            Map.entry("I10", "http://hl7.org/fhir/sid/icd-10"),
            Map.entry("ICD10", "http://hl7.org/fhir/sid/icd-10"),
            Map.entry("READ", "http://read.info/readv2"),
            // Medicines and vaccines: dm+d (the SNOMED CT UK drug extension, as UK Core names it), NDC,
            // RxNorm, CVX vaccine and MVX manufacturer codes, NCI Thesaurus (routes in US immunization feeds).
            Map.entry("DMD", "https://dmd.nhs.uk"),
            Map.entry("NDC", "http://hl7.org/fhir/sid/ndc"),
            Map.entry("RXNORM", "http://www.nlm.nih.gov/research/umls/rxnorm"),
            Map.entry("CVX", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("MVX", "http://terminology.hl7.org/CodeSystem/MVX"),
            Map.entry("NCIT", "http://ncithesaurus-stage.nci.nih.gov"));

    /**
     * Units commonly sent without a coding system whose text is already valid UCUM (UK lab units
     * included). Anything else keeps its text in {@code Quantity.unit} without a UCUM code.
     */
    private static final Set<String> UCUM_AS_SENT = Set.of(
            "%",
            "g/L",
            "g/dL",
            "mg/dL",
            "mg/L",
            "ug/L",
            "ng/mL",
            "pg/mL",
            "mmol/L",
            "umol/L",
            "nmol/L",
            "pmol/L",
            "mmol/mol",
            "mL/min",
            "mL/min/{1.73_m2}",
            "U/L",
            "[IU]/L",
            "mU/L",
            "fL",
            "pg",
            "10*9/L",
            "10*12/L",
            "10*6/L",
            "10*3/uL",
            "10*6/uL",
            "mm[Hg]",
            "kg",
            "g",
            "cm",
            "m",
            "kg/m2",
            "Cel",
            "/min",
            "s",
            "min",
            "h",
            "L/L",
            "mosm/kg",
            "mm/h",
            "{ratio}",
            "1");

    /** Common non-UCUM spellings with their UCUM code. */
    private static final Map<String, String> UCUM_SPELLINGS = Map.ofEntries(
            Map.entry("mmol/l", "mmol/L"),
            Map.entry("umol/l", "umol/L"),
            Map.entry("g/l", "g/L"),
            Map.entry("mg/l", "mg/L"),
            Map.entry("u/l", "U/L"),
            Map.entry("iu/l", "[IU]/L"),
            Map.entry("x10^9/l", "10*9/L"),
            Map.entry("x10e9/l", "10*9/L"),
            Map.entry("10^9/l", "10*9/L"),
            Map.entry("x10^12/l", "10*12/L"),
            Map.entry("10^12/l", "10*12/L"),
            Map.entry("giga.l-1", "10*9/L"),
            Map.entry("tera.l-1", "10*12/L"),
            Map.entry("beats/min", "/min"),
            Map.entry("bpm", "/min"),
            Map.entry("mmhg", "mm[Hg]"));

    private Datatypes() {}

    static String system(String hl7CodingSystem) {
        if (hl7CodingSystem == null) {
            return null;
        }
        // HL7 tables (HL7nnnn) keep no system: the validator knows the v2-nnnn code systems, and partners
        // send local codes under those names (route ADB in table 0162, say), which would not validate.
        return CODING_SYSTEMS.get(hl7CodingSystem.toUpperCase(Locale.ROOT));
    }

    /**
     * XCN as a logical reference to a Practitioner (XCN[Practitioner]): the person's id (XCN-1) as the
     * identifier, their name as the display. No Practitioner is written: partners' staff ids are not a
     * shared identity, and a reference by identifier needs no resource to exist. Null when empty.
     */
    static Reference practitioner(Fields f, int field, int rep) {
        String id = f.get(field, rep, 1);
        HumanName name = new HumanName();
        if (f.get(field, rep, 2, 1) != null) {
            name.setFamily(f.get(field, rep, 2, 1));
        }
        if (f.get(field, rep, 3) != null) {
            name.addGiven(f.get(field, rep, 3));
        }
        if (f.get(field, rep, 6) != null) {
            name.addPrefix(f.get(field, rep, 6));
        }
        if (id == null && name.isEmpty()) {
            return null;
        }
        Reference reference = new Reference().setType("Practitioner");
        if (id != null) {
            reference.setIdentifier(new Identifier().setValue(id));
        }
        if (!name.isEmpty()) {
            reference.setDisplay(name.getNameAsSingleString());
        }
        return reference;
    }

    /** CWE/CE/CNE: components 1-3 and the alternate 4-6 as two codings, component 9 as text. */
    static CodeableConcept codeableConcept(Fields f, int field, int rep) {
        CodeableConcept concept = new CodeableConcept();
        addCoding(concept, f.get(field, rep, 1), f.get(field, rep, 2), f.get(field, rep, 3));
        addCoding(concept, f.get(field, rep, 4), f.get(field, rep, 5), f.get(field, rep, 6));
        String original = f.get(field, rep, 9);
        if (original != null) {
            concept.setText(original);
        } else if (!concept.hasCoding() && f.get(field, rep, 2) != null) {
            concept.setText(f.get(field, rep, 2));
        }
        return concept.hasCoding() || concept.hasText() ? concept : null;
    }

    private static void addCoding(CodeableConcept concept, String code, String display, String codingSystem) {
        if (code == null) {
            if (display != null && !concept.hasText()) {
                concept.setText(display);
            }
            return;
        }
        Coding coding = concept.addCoding().setCode(code).setDisplay(display);
        String system = system(codingSystem);
        if (system != null) {
            coding.setSystem(system);
        }
    }

    /** XPN: family (XPN-1.1), given (XPN-2, XPN-3), suffix (XPN-4), prefix (XPN-5), use from XPN-7. */
    static HumanName humanName(Fields f, int field, int rep) {
        HumanName name = new HumanName();
        String family = f.get(field, rep, 1, 1);
        if (family != null) {
            name.setFamily(family);
        }
        if (f.get(field, rep, 2) != null) {
            name.addGiven(f.get(field, rep, 2));
        }
        if (f.get(field, rep, 3) != null) {
            name.addGiven(f.get(field, rep, 3));
        }
        // Suffix (XPN-4), degree (XPN-6) and professional suffix (XPN-14) are all suffixes.
        for (int component : new int[] {4, 6, 14}) {
            if (f.get(field, rep, component) != null) {
                name.addSuffix(f.get(field, rep, component));
            }
        }
        if (f.get(field, rep, 5) != null) {
            name.addPrefix(f.get(field, rep, 5));
        }
        String type = f.get(field, rep, 7);
        if (type != null) {
            switch (type) {
                case "L" -> name.setUse(HumanName.NameUse.OFFICIAL);
                case "D" -> name.setUse(HumanName.NameUse.USUAL);
                case "M" -> name.setUse(HumanName.NameUse.MAIDEN);
                case "N" -> name.setUse(HumanName.NameUse.NICKNAME);
                case "A" -> name.setUse(HumanName.NameUse.ANONYMOUS);
                default -> {
                    // other name types (table 0200) have no HumanName.use of their own
                }
            }
        }
        return name.isEmpty() ? null : name;
    }

    /** XAD: street (XAD-1.1), other designation (XAD-2), city, state, postcode, country; XAD-7 use. */
    static Address address(Fields f, int field, int rep) {
        Address address = new Address();
        if (f.get(field, rep, 1, 1) != null) {
            address.addLine(f.get(field, rep, 1, 1));
        }
        if (f.get(field, rep, 2) != null) {
            address.addLine(f.get(field, rep, 2));
        }
        address.setCity(f.get(field, rep, 3));
        address.setState(f.get(field, rep, 4));
        address.setPostalCode(f.get(field, rep, 5));
        address.setCountry(f.get(field, rep, 6));
        String type = f.get(field, rep, 7);
        if ("H".equals(type)) {
            address.setUse(Address.AddressUse.HOME);
        } else if ("B".equals(type) || "O".equals(type)) {
            address.setUse(Address.AddressUse.WORK);
        } else if ("M".equals(type)) {
            address.setType(Address.AddressType.POSTAL);
        }
        return address.isEmpty() ? null : address;
    }

    /**
     * XTN[ContactPoint]: an Internet or X.400 address (XTN-4) is an email; otherwise the number is XTN-12
     * (unformatted), else XTN-5/6/7/8 put together as the IG says ({@code +country area local Xext}), else
     * XTN-1. XTN-3 gives the system (FX fax, BP pager, CP a mobile phone), XTN-2 the use (PRN, ORN, VHN
     * home; WPN work; PRS mobile), else the field's own ({@code use}: home for PID-13, work for PID-14).
     */
    static ContactPoint contactPoint(Fields f, int field, int rep, ContactPoint.ContactPointUse use) {
        String equipment = f.get(field, rep, 3);
        ContactPoint contact = new ContactPoint().setUse(use(f.get(field, rep, 2), use));
        if ("Internet".equalsIgnoreCase(equipment)
                || "X.400".equalsIgnoreCase(equipment)
                || "NET".equals(f.get(field, rep, 2))
                || (equipment == null && f.get(field, rep, 1) == null && f.get(field, rep, 4) != null)) {
            String email = f.get(field, rep, 4);
            return email == null
                    ? null
                    : contact.setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email);
        }
        String number = f.get(field, rep, 12);
        if (number == null && f.get(field, rep, 7) != null) {
            StringBuilder composed = new StringBuilder();
            if (f.get(field, rep, 5) != null) {
                composed.append('+').append(f.get(field, rep, 5)).append(' ');
            }
            if (f.get(field, rep, 6) != null) {
                composed.append(f.get(field, rep, 6)).append(' ');
            }
            composed.append(f.get(field, rep, 7));
            if (f.get(field, rep, 8) != null) {
                composed.append(" X").append(f.get(field, rep, 8));
            }
            number = composed.toString();
        }
        if (number == null) {
            number = f.get(field, rep, 1);
        }
        if (number == null) {
            return null;
        }
        if ("FX".equals(equipment)) {
            contact.setSystem(ContactPoint.ContactPointSystem.FAX);
        } else if ("BP".equals(equipment)) {
            contact.setSystem(ContactPoint.ContactPointSystem.PAGER);
        } else {
            contact.setSystem(ContactPoint.ContactPointSystem.PHONE);
        }
        if ("CP".equals(equipment)) {
            contact.setUse(ContactPoint.ContactPointUse.MOBILE);
        }
        return contact.setValue(number);
    }

    /** XTN-2 (table 0201) as ContactPoint.use, else the field's own use. */
    private static ContactPoint.ContactPointUse use(String code, ContactPoint.ContactPointUse fieldUse) {
        if (code == null) {
            return fieldUse;
        }
        return switch (code) {
            case "PRN", "ORN", "VHN" -> ContactPoint.ContactPointUse.HOME;
            case "WPN" -> ContactPoint.ContactPointUse.WORK;
            case "PRS" -> ContactPoint.ContactPointUse.MOBILE;
            default -> fieldUse;
        };
    }

    /** A numeric value with the unit of OBX-6 (CWE: code, text, coding system). */
    static Quantity quantity(BigDecimal value, String unitCode, String unitText, String unitSystem) {
        Quantity quantity = new Quantity().setValue(value);
        applyUnit(quantity, unitCode, unitText, unitSystem);
        return quantity;
    }

    static void applyUnit(Quantity quantity, String unitCode, String unitText, String unitSystem) {
        if (unitCode == null && unitText == null) {
            return;
        }
        String shown = unitText != null ? unitText : unitCode;
        quantity.setUnit(shown);
        String ucum = null;
        if (unitCode != null
                && unitSystem != null
                && unitSystem.toUpperCase(Locale.ROOT).contains("UCUM")) {
            ucum = unitCode;
        } else if (unitCode != null && UCUM_AS_SENT.contains(unitCode)) {
            ucum = unitCode;
        } else if (unitCode != null) {
            ucum = UCUM_SPELLINGS.get(unitCode.toLowerCase(Locale.ROOT));
        }
        if (ucum != null) {
            quantity.setSystem(UCUM).setCode(ucum);
        }
    }

    /** A DTM field as a dateTime in the partner's zone when it carries none; null when empty. */
    static DateTimeType dateTime(Fields f, int field, ZoneId partnerZone) throws MappingException {
        try {
            return Hl7Timestamps.dateTime(f.get(field), partnerZone);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new MappingException(
                    "INGEST-HL7-BAD-TIMESTAMP", f.name() + "-" + field + " is not an HL7 v2 timestamp");
        }
    }

    /** A timestamp held in one component of a field (a TQ's start, say); null when empty. */
    static DateTimeType dateTime(Fields f, int field, int rep, int component, ZoneId partnerZone)
            throws MappingException {
        try {
            return Hl7Timestamps.dateTime(f.get(field, rep, component), partnerZone);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new MappingException(
                    "INGEST-HL7-BAD-TIMESTAMP",
                    f.name() + "-" + field + "." + component + " is not an HL7 v2 timestamp");
        }
    }

    static BigDecimal decimal(String text) {
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
