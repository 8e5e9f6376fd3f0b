package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
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
    static final String ISO_3166 = "urn:iso:std:iso:3166";
    static final String BCP_47 = "urn:ietf:bcp:47";
    /** CDC Race and Ethnicity (CDCREC), the codes of table 0005 in US feeds: {@code 2106-3} White, say. */
    static final String CDC_RACE_ETHNICITY = "urn:oid:2.16.840.1.113883.6.238";

    private static final Pattern CDC_CODE = Pattern.compile("\\d{4}-\\d");

    /** ISO 3166 two- and three-letter country codes, with their English names (the JDK's list). */
    private static final Map<String, String> COUNTRIES = countries();

    /** ISO 639-1 and 639-2 language codes, each to its BCP 47 primary language subtag (the JDK's list). */
    private static final Map<String, String> LANGUAGES = languages();

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
            Map.entry("I9", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("I9C", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("I9CDX", "http://hl7.org/fhir/sid/icd-9-cm"),
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
     * The system of a code sent under an HL7 coding-system name; the code systems whose codes are checked
     * by the validator (ISO 3166 countries, BCP 47 languages, CDC race and ethnicity) only for a code they
     * hold.
     */
    static String system(String hl7CodingSystem, String code) {
        if (hl7CodingSystem == null) {
            return null;
        }
        String name = hl7CodingSystem.toUpperCase(Locale.ROOT);
        return switch (name) {
            case "ISO3166_1", "ISO3166", "HL70399" -> COUNTRIES.containsKey(code) ? ISO_3166 : null;
            // Table 0296 (primary language) holds ISO 639 codes.
            case "HL70296", "ISO639", "ISO6392" -> LANGUAGES.containsKey(code.toLowerCase(Locale.ROOT)) ? BCP_47 : null;
            case "CDCREC", "HL70005" -> CDC_CODE.matcher(code).matches() ? CDC_RACE_ETHNICITY : null;
            default -> CODING_SYSTEMS.get(name);
        };
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

    /**
     * NDL (OBR-32 to 35: the name in component 1, a CNN of id, family, given, second given, suffix, prefix)
     * as a logical reference to a Practitioner, like {@link #practitioner}.
     */
    static Reference practitionerByName(Fields f, int field, int rep) {
        String id = f.get(field, rep, 1, 1);
        HumanName name = new HumanName();
        if (f.get(field, rep, 1, 2) != null) {
            name.setFamily(f.get(field, rep, 1, 2));
        }
        if (f.get(field, rep, 1, 3) != null) {
            name.addGiven(f.get(field, rep, 1, 3));
        }
        if (f.get(field, rep, 1, 6) != null) {
            name.addPrefix(f.get(field, rep, 1, 6));
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

    /**
     * XON as a logical reference to an Organization (XON[Organization]): the organisation identifier (XON-10,
     * else XON-3) and its name (XON-1) as the display. Like practitioners, partners' organisations are not a
     * shared identity, so no Organization is written. Null when empty.
     */
    static Reference organization(Fields f, int field, int rep) {
        String id = f.get(field, rep, 10) != null ? f.get(field, rep, 10) : f.get(field, rep, 3);
        String name = f.get(field, rep, 1);
        if (id == null && name == null) {
            return null;
        }
        Reference reference = new Reference().setType("Organization").setDisplay(name);
        if (id != null) {
            reference.setIdentifier(new Identifier().setValue(id));
        }
        return reference;
    }

    /**
     * CWE/CE/CNE as CWE[CodeableConcept]: components 1-3 (version 7), the alternate 4-6 (version 8) and
     * the second alternate 10-12 (version 13) as codings, component 9 as text; without a code, the text
     * of component 2 is the concept's text.
     */
    static CodeableConcept codeableConcept(Fields f, int field, int rep) {
        return codeableConcept(f, field, rep, null);
    }

    /**
     * A CWE bound by the IG to an HL7 table ({@code table}, four digits): a code the table holds, sent
     * without a coding system or under the table's name, becomes a coding in the table's v2 code system
     * (with R4's display when the CWE gives none), as the IG's vocabulary maps carry such codes over.
     */
    static CodeableConcept codeableConcept(Fields f, int field, int rep, String table) {
        CodeableConcept concept = new CodeableConcept();
        // The identifier, text, coding system and version of each of the three codings a CWE may hold.
        int[][] codings = {{1, 2, 3, 7}, {4, 5, 6, 8}, {10, 11, 12, 13}};
        for (int[] c : codings) {
            String code = f.get(field, rep, c[0]);
            String codingSystem = f.get(field, rep, c[2]);
            Coding fromTable = table != null && (codingSystem == null || codingSystem.equalsIgnoreCase("HL7" + table))
                    ? Hl7Tables.coding(table, code)
                    : null;
            if (fromTable != null) {
                // CWE.2 is the display (CWE[CodeableConcept]); without one, the table's own.
                String display = f.get(field, rep, c[1]);
                if (display != null) {
                    fromTable.setDisplay(display);
                }
                concept.addCoding(fromTable.setVersion(f.get(field, rep, c[3])));
            } else {
                addCoding(concept, code, f.get(field, rep, c[1]), codingSystem, f.get(field, rep, c[3]));
            }
        }
        String original = f.get(field, rep, 9);
        if (original != null) {
            concept.setText(original);
        } else if (!concept.hasCoding() && f.get(field, rep, 2) != null) {
            concept.setText(f.get(field, rep, 2));
        }
        return concept.hasCoding() || concept.hasText() ? concept : null;
    }

    private static void addCoding(
            CodeableConcept concept, String code, String display, String codingSystem, String version) {
        if (code == null) {
            if (display != null && !concept.hasText()) {
                concept.setText(display);
            }
            return;
        }
        Coding coding = concept.addCoding().setCode(code).setDisplay(display).setVersion(version);
        String system = system(codingSystem, code);
        if (system != null) {
            coding.setSystem(system);
            if (system.equals(BCP_47)) {
                // ISO 639-2 (three letters) as the BCP 47 tag, which takes the two-letter code where one exists.
                language(coding, LANGUAGES.get(code.toLowerCase(Locale.ROOT)));
            } else if (system.equals(ISO_3166) && display == null) {
                coding.setDisplay(COUNTRIES.get(code));
            }
        }
    }

    /** A coding of a language as its BCP 47 tag, with the language's English name as its display. */
    private static void language(Coding coding, String tag) {
        coding.setSystem(BCP_47)
                .setCode(tag)
                .setDisplay(Locale.forLanguageTag(tag).getDisplayLanguage(Locale.ENGLISH));
    }

    /**
     * A CWE held in the subcomponents of one component (OBR-15's SPS, say): code, text and coding system,
     * their alternates, the original text; null when empty.
     */
    static CodeableConcept codeableConceptIn(Fields f, int field, int component) {
        CodeableConcept concept = new CodeableConcept();
        addCoding(
                concept,
                f.get(field, 0, component, 1),
                f.get(field, 0, component, 2),
                f.get(field, 0, component, 3),
                f.get(field, 0, component, 7));
        addCoding(
                concept,
                f.get(field, 0, component, 4),
                f.get(field, 0, component, 5),
                f.get(field, 0, component, 6),
                f.get(field, 0, component, 8));
        if (f.get(field, 0, component, 9) != null) {
            concept.setText(f.get(field, 0, component, 9));
        }
        return concept.hasCoding() || concept.hasText() ? concept : null;
    }

    /**
     * A language (PID-15 and the like: table 0296, ISO 639) as a CodeableConcept of BCP 47 codings, which
     * FHIR requires of a language; a code that is no ISO 639 language is left out, its text kept. Null when
     * nothing is left.
     */
    static CodeableConcept language(Fields f, int field, int rep) {
        CodeableConcept sent = codeableConcept(f, field, rep);
        if (sent == null) {
            return null;
        }
        CodeableConcept language = new CodeableConcept().setText(sent.getText());
        for (Coding coding : sent.getCoding()) {
            String tag = LANGUAGES.get(coding.getCode().toLowerCase(Locale.ROOT));
            if (tag != null) {
                language(coding, tag);
                language.addCoding(coding);
            } else if (!language.hasText()) {
                language.setText(coding.hasDisplay() ? coding.getDisplay() : null);
            }
        }
        return language.hasCoding() || language.hasText() ? language : null;
    }

    /** XPN[HumanName]: family (XPN-1.1), given (XPN-2, XPN-3), suffix (XPN-4), prefix (XPN-5), use from XPN-7. */
    static HumanName humanName(Fields f, int field, int rep) throws MappingException {
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
        name.setUse(nameUse(f.get(field, rep, 7)));
        // XPN-12/13 (effective, expiration), else XPN-10 (validity range, DR).
        Period period = validity(f, field, rep, 12, 13);
        name.setPeriod(period != null ? period : validity(f, field, rep, 10, 0));
        return name.isEmpty() ? null : name;
    }

    /** {@code codesystems/NameType}: table 0200 as HumanName.use; codes the map leaves blank have none. */
    private static HumanName.NameUse nameUse(String type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "L", "R" -> HumanName.NameUse.OFFICIAL;
            case "D" -> HumanName.NameUse.USUAL;
            case "M" -> HumanName.NameUse.MAIDEN;
            case "N" -> HumanName.NameUse.NICKNAME;
            case "MSK" -> HumanName.NameUse.ANONYMOUS;
            case "NAV", "TEMP" -> HumanName.NameUse.TEMP;
            case "BAD" -> HumanName.NameUse.OLD;
            default -> null;
        };
    }

    /**
     * XAD[Address]: lines from the street address (XAD-1.1, 1.2, 1.3), other designation (XAD-2) and
     * addressee (XAD-19); city, state, postcode, country; district from XAD-9; period from XAD-13/14, else
     * XAD-12; use and type from XAD-7 ({@code codesystems/AddressType[Use]}, {@code AddressType[Type]}).
     */
    static Address address(Fields f, int field, int rep) throws MappingException {
        Address address = new Address();
        for (int sub = 1; sub <= 3; sub++) {
            if (f.get(field, rep, 1, sub) != null) {
                address.addLine(f.get(field, rep, 1, sub));
            }
        }
        if (f.get(field, rep, 2) != null) {
            address.addLine(f.get(field, rep, 2));
        }
        if (f.get(field, rep, 19) != null) {
            address.addLine(f.get(field, rep, 19));
        }
        address.setCity(f.get(field, rep, 3));
        address.setState(f.get(field, rep, 4));
        address.setPostalCode(f.get(field, rep, 5));
        address.setCountry(f.get(field, rep, 6));
        // XAD-9 (county, a CWE from v2.6; CWE[string]): its name, else its code.
        address.setDistrict(f.get(field, rep, 9, 2) != null ? f.get(field, rep, 9, 2) : f.get(field, rep, 9, 1));
        String type = f.get(field, rep, 7);
        if (type != null) {
            switch (type) {
                case "H" -> address.setUse(Address.AddressUse.HOME);
                case "B", "O" -> address.setUse(Address.AddressUse.WORK);
                case "C" -> address.setUse(Address.AddressUse.TEMP);
                case "BA" -> address.setUse(Address.AddressUse.OLD);
                case "BI" -> address.setUse(Address.AddressUse.BILLING);
                case "M", "SH" -> address.setType(Address.AddressType.POSTAL);
                default -> {
                    // the other table 0190 types (legal, permanent, vacation, ...) have no use or type
                }
            }
        }
        if (address.isEmpty()) {
            return null;
        }
        Period period = validity(f, field, rep, 13, 14);
        address.setPeriod(period != null ? period : validity(f, field, rep, 12, 0));
        return address;
    }

    /**
     * XTN[ContactPoint]: an Internet or X.400 address (XTN-4, else XTN-1 as older versions send it) is an
     * email, as is an XTN-4 without an equipment type; otherwise the number is XTN-12 (unformatted), else
     * XTN-5/6/7/8 put together as the IG says ({@code +country area local Xext}), else XTN-1. XTN-3 gives the
     * system ({@code codesystems/TelecommunicationEquipmentType}: FX fax, BP pager, MD, SAT, TDD, TTY other,
     * else phone), XTN-2 the use (PRN, ORN, VHN home; WPN work; PRS mobile), else the field's own ({@code
     * use}: home for PID-13, work for PID-14), but mobile for a CP (cellular) phone, as the equipment type
     * map says; XTN-13/14 the period, XTN-18 the rank.
     */
    static ContactPoint contactPoint(Fields f, int field, int rep, ContactPoint.ContactPointUse use)
            throws MappingException {
        String equipment = f.get(field, rep, 3);
        ContactPoint contact = new ContactPoint().setUse(use(f.get(field, rep, 2), use));
        if ("CP".equals(equipment)) {
            // codesystems/TelecommunicationEquipmentType: a cellular phone is a mobile, whatever field it is in.
            contact.setUse(ContactPoint.ContactPointUse.MOBILE);
        }
        if ("Internet".equalsIgnoreCase(equipment)
                || "X.400".equalsIgnoreCase(equipment)
                || "NET".equals(f.get(field, rep, 2))
                || (equipment == null && f.get(field, rep, 4) != null)) {
            String email = f.get(field, rep, 4) != null ? f.get(field, rep, 4) : f.get(field, rep, 1);
            if (email == null) {
                return null;
            }
            contact.setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email);
        } else {
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
            contact.setSystem(equipmentSystem(equipment)).setValue(number);
        }
        contact.setPeriod(validity(f, field, rep, 13, 14));
        BigDecimal rank = decimal(f.get(field, rep, 18));
        if (rank != null && rank.signum() > 0 && rank.scale() <= 0) {
            contact.setRank(rank.intValueExact());
        }
        return contact;
    }

    private static ContactPoint.ContactPointSystem equipmentSystem(String equipment) {
        if (equipment == null) {
            return ContactPoint.ContactPointSystem.PHONE;
        }
        return switch (equipment) {
            case "FX" -> ContactPoint.ContactPointSystem.FAX;
            case "BP" -> ContactPoint.ContactPointSystem.PAGER;
            case "MD", "SAT", "TDD", "TTY" -> ContactPoint.ContactPointSystem.OTHER;
            default -> ContactPoint.ContactPointSystem.PHONE;
        };
    }

    /**
     * CX[Identifier]: the value (CX-1), its type (CX-5, coded in table 0203 when R4 holds the code, else
     * kept as text), the assigning authority (CX-4) as the assigner's display and the validity (CX-7, CX-8).
     * No system: the callers know which identifiers have one. Null without a value.
     */
    static Identifier identifier(Fields f, int field, int rep) throws MappingException {
        String value = f.get(field, rep, 1);
        if (value == null) {
            return null;
        }
        Identifier identifier = new Identifier().setValue(value);
        identifier.setType(identifierType(f.get(field, rep, 5)));
        String authority = f.get(field, rep, 4, 1) != null ? f.get(field, rep, 4, 1) : f.get(field, rep, 4, 2);
        if (authority != null) {
            identifier.setAssigner(new Reference().setDisplay(authority));
        }
        identifier.setPeriod(validity(f, field, rep, 7, 8));
        return identifier;
    }

    /** An identifier type (CX-5): coded in table 0203 where R4's v2-0203 holds it, else kept as text. */
    static CodeableConcept identifierType(String code) {
        if (code == null) {
            return null;
        }
        Coding coding = Hl7Tables.coding("0203", code);
        return coding != null
                ? new CodeableConcept().addCoding(coding)
                : new CodeableConcept().addCoding(new Coding().setCode(code));
    }

    /**
     * A validity range (XPN-10/12/13, XAD-12/13/14, XTN-13/14, CX-7/8) as a Period of days: these say from
     * and until which day a name, address, number or identifier holds, so the date part is kept (and no
     * zone is needed). {@code end} 0 reads a DR from the two subcomponents of {@code start}.
     */
    static Period validity(Fields f, int field, int rep, int start, int end) throws MappingException {
        DateTimeType from = end == 0 ? day(f, field, rep, start, 1) : day(f, field, rep, start, 0);
        DateTimeType to = end == 0 ? day(f, field, rep, start, 2) : day(f, field, rep, end, 0);
        return from == null && to == null
                ? null
                : new Period().setStartElement(from).setEndElement(to);
    }

    private static DateTimeType day(Fields f, int field, int rep, int component, int sub) throws MappingException {
        String value = sub == 0 ? f.get(field, rep, component) : f.get(field, rep, component, sub);
        try {
            var date = Hl7Timestamps.date(value);
            return date == null ? null : new DateTimeType(date.getValueAsString());
        } catch (IllegalArgumentException e) {
            throw new MappingException(
                    "INGEST-HL7-BAD-DATE",
                    f.name() + "-" + field + "." + component + (sub == 0 ? "" : "." + sub) + " is not an HL7 v2 date");
        }
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

    private static Map<String, String> countries() {
        Map<String, String> countries = new java.util.HashMap<>();
        for (String alpha2 : Locale.getISOCountries()) {
            Locale country = new Locale.Builder().setRegion(alpha2).build();
            String name = country.getDisplayCountry(Locale.ENGLISH);
            countries.put(alpha2, name);
            try {
                countries.put(country.getISO3Country(), name);
            } catch (java.util.MissingResourceException e) {
                // a region without a three-letter code
            }
        }
        return Map.copyOf(countries);
    }

    private static Map<String, String> languages() {
        Map<String, String> languages = new java.util.HashMap<>();
        for (String alpha2 : Locale.getISOLanguages()) {
            languages.put(alpha2, alpha2);
            try {
                languages.put(Locale.forLanguageTag(alpha2).getISO3Language(), alpha2);
            } catch (java.util.MissingResourceException e) {
                // a language without a three-letter code
            }
        }
        return Map.copyOf(languages);
    }
}
