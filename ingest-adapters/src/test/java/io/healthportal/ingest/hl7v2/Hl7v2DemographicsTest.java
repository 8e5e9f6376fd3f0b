package io.healthportal.ingest.hl7v2;

import static io.healthportal.ingest.hl7v2.Hl7v2ClinicalRecordsTest.segment;
import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.TestPartners;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** The IG's PID, PD1, NK1, PV1 and PV2 rows beyond identity, name and address, and the datatypes they use. */
class Hl7v2DemographicsTest {

    private static final String ADT = "MSH|^~\\&|CLINIC|CLINA|PORTAL|NHS|20260701101500||ADT^A01^ADT_A01|A1|P|2.5.1\r"
            + "EVN|A01|20260701101500\r";

    private final Hl7v2Format format = new Hl7v2Format();

    @Test
    void theIgsPatientDemographicsAreKept() throws Exception {
        Hl7v2Format.Conversion conversion = convert(ADT
                + segment(
                        "PID",
                        1,
                        "1",
                        3,
                        "A123^^^CLINA^MR^^20200101^20301231",
                        5,
                        "SMITH^JO^^^^^L^^^^^20200101^^^Jojo",
                        6,
                        "JONES^MARY",
                        7,
                        "198001011230",
                        8,
                        "F",
                        10,
                        "2106-3^White^CDCREC",
                        11,
                        "1 High St^^Leeds^^LS1 1AA^GBR^H^^West Yorks",
                        15,
                        "eng^English^HL70296",
                        16,
                        "M^Married^HL70002",
                        17,
                        "CAT^Roman Catholic^HL70006",
                        18,
                        "AC9^^^CLINA^AN",
                        19,
                        "123-45-6789",
                        20,
                        "DL77^UK^20300101",
                        22,
                        "H^Hispanic^HL70189",
                        23,
                        "Leeds",
                        24,
                        "Y",
                        25,
                        "2",
                        26,
                        "GBR^United Kingdom^ISO3166_1",
                        28,
                        "GBR^^ISO3166_1")
                + segment("PD1", 3, "Leeds Surgery^^^^^^^^^B82001", 4, "G7^GEE^PEE", 14, "St Anne's")
                + segment(
                        "NK1",
                        1,
                        "1",
                        2,
                        "SMITH^SAM",
                        3,
                        "SPO^Spouse^HL70063",
                        5,
                        "07700900456^PRN^CP",
                        7,
                        "C^Emergency Contact^HL70131")
                + segment("PV1", 2, "I", 16, "VIP^Very important^L", 19, "V77"));
        Patient patient = one(conversion.bundle(), Patient.class);

        assertThat(patient.getIdentifier())
                .extracting(Identifier::getValue)
                .contains("A123", "AC9", "123-45-6789", "DL77");
        assertThat(identifier(patient, "A123").getPeriod().getStartElement().getValueAsString())
                .isEqualTo("2020-01-01");
        assertThat(identifier(patient, "AC9").getType().getCodingFirstRep().getCode())
                .isEqualTo("AN");
        // PID-19 (SSN) outside the US: social beneficiary, without a US system.
        assertThat(identifier(patient, "123-45-6789")
                        .getType()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("SB");
        assertThat(identifier(patient, "123-45-6789").hasSystem()).isFalse();
        assertThat(identifier(patient, "DL77").getPeriod().getEndElement().getValueAsString())
                .isEqualTo("2030-01-01");
        assertThat(patient.getName())
                .extracting(HumanName::getUse)
                .containsExactly(HumanName.NameUse.OFFICIAL, HumanName.NameUse.NICKNAME);
        assertThat(patient.getNameFirstRep().getPeriod().getStartElement().getValueAsString())
                .isEqualTo("2020-01-01");
        assertThat(extension(patient, PatientMapping.MOTHERS_MAIDEN_NAME)
                        .getValue()
                        .primitiveValue())
                .isEqualTo("JONES");
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1980-01-01");
        assertThat(patient.getBirthDateElement()
                        .getExtensionByUrl(PatientMapping.BIRTH_TIME)
                        .getValue()
                        .primitiveValue())
                .isEqualTo("1980-01-01T12:30:00+00:00");
        Extension race = extension(patient, RaceAndEthnicity.US_CORE_RACE);
        assertThat(((Coding) race.getExtensionByUrl("ombCategory").getValue()).getCode())
                .isEqualTo("2106-3");
        Extension ethnicity = extension(patient, RaceAndEthnicity.US_CORE_ETHNICITY);
        assertThat(((Coding) ethnicity.getExtensionByUrl("ombCategory").getValue()).getCode())
                .isEqualTo("2135-2");
        assertThat(patient.getAddressFirstRep().getDistrict()).isEqualTo("West Yorks");
        // ISO 639-2 eng is BCP 47 en, the patient's preferred language.
        Coding language = patient.getCommunicationFirstRep().getLanguage().getCodingFirstRep();
        assertThat(language.getSystem()).isEqualTo("urn:ietf:bcp:47");
        assertThat(language.getCode()).isEqualTo("en");
        assertThat(patient.getCommunicationFirstRep().getPreferred()).isTrue();
        Coding religion = (Coding) ((org.hl7.fhir.r4.model.CodeableConcept)
                        extension(patient, PatientMapping.RELIGION).getValue())
                .getCodingFirstRep();
        assertThat(religion.getCode()).isEqualTo("1041");
        assertThat(patient.getMultipleBirthIntegerType().getValue()).isEqualTo(2);
        assertThat(extension(patient, PatientMapping.CITIZENSHIP)
                        .getExtensionByUrl("code")
                        .getValue())
                .extracting(v -> ((org.hl7.fhir.r4.model.CodeableConcept) v)
                        .getCodingFirstRep()
                        .getSystem())
                .isEqualTo("urn:iso:std:iso:3166");
        assertThat(patient.getExtensionByUrl(PatientMapping.NATIONALITY)).isNotNull();
        assertThat(patient.getExtensionByUrl(PatientMapping.BIRTH_PLACE)).isNotNull();
        assertThat(patient.getGeneralPractitioner())
                .extracting(r -> r.getDisplay())
                .containsExactly("Leeds Surgery", "PEE GEE");
        assertThat(patient.getGeneralPractitionerFirstRep().getIdentifier().getValue())
                .isEqualTo("B82001");
        assertThat(extension(patient, PatientMapping.CONGREGATION).getValue().primitiveValue())
                .isEqualTo("St Anne's");
        assertThat(patient.getExtensionByUrl(PatientMapping.IMPORTANCE)).isNotNull();

        Patient.ContactComponent spouse = patient.getContactFirstRep();
        // NK1-7 (contact role) is the relationship the IG names; NK1-3 (who the person is) is kept beside it.
        assertThat(spouse.getRelationship())
                .extracting(r -> r.getCodingFirstRep().getCode())
                .containsExactly("C", "SPO");
        assertThat(spouse.getRelationshipFirstRep().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v2-0131");
        assertThat(spouse.getTelecomFirstRep().getUse()).isEqualTo(ContactPoint.ContactPointUse.MOBILE);
        assertThat(conversion.unmapped()).noneMatch(u -> u.startsWith("PID-") || u.startsWith("PD1-"));
        assertThat(R4Validation.errors(conversion.bundle())).isEmpty();
    }

    @Test
    void raceEthnicityAndLanguageOutsideTheCodeSystemsTheIgNamesAreReportedNotGuessed() throws Exception {
        Hl7v2Format.Conversion conversion = convert(ADT
                + segment(
                        "PID",
                        1,
                        "1",
                        3,
                        "A123^^^CLINA^MR",
                        5,
                        "SMITH^JO",
                        8,
                        "F",
                        10,
                        "A^White British^NHS",
                        15,
                        "1",
                        16,
                        "X^Not a status",
                        22,
                        "R^Chinese"));
        Patient patient = one(conversion.bundle(), Patient.class);
        assertThat(patient.getExtensionByUrl(RaceAndEthnicity.US_CORE_RACE)).isNull();
        assertThat(patient.getExtensionByUrl(RaceAndEthnicity.US_CORE_ETHNICITY))
                .isNull();
        assertThat(patient.hasCommunication()).isFalse();
        // A marital status outside the map is kept as sent, without a system it is not in.
        assertThat(patient.getMaritalStatus().getCodingFirstRep().getCode()).isEqualTo("X");
        assertThat(patient.getMaritalStatus().getCodingFirstRep().hasSystem()).isFalse();
        assertThat(conversion.unmapped())
                .contains(
                        "PID-10 race outside the CDC race codes",
                        "PID-15 language outside ISO 639",
                        "PID-16 marital status outside the IG's MaritalStatus map",
                        "PID-22 ethnic group outside table 0189 and the CDC ethnicity codes");
        assertThat(R4Validation.errors(conversion.bundle())).isEmpty();
    }

    @Test
    void theVisitsPv1AndPv2DetailsAreKept() throws Exception {
        Hl7v2Format.Conversion conversion = convert(ADT
                + segment("PID", 3, "A123^^^CLINA^MR", 5, "SMITH^JO")
                + segment(
                        "PV1",
                        2,
                        "P",
                        3,
                        "W12^B3^2^LEEDS GEN",
                        4,
                        "E",
                        5,
                        "PRE9^^^CLINA",
                        6,
                        "W1^B1^1^LEEDS GEN",
                        8,
                        "R9^REF^RITA",
                        13,
                        "R",
                        15,
                        "A2",
                        16,
                        "VIP",
                        19,
                        "V77^^^CLINA",
                        36,
                        "01^Home",
                        37,
                        "HOSPICE",
                        38,
                        "VEG^Vegetarian",
                        50,
                        "ALT77^^^CLINA",
                        52,
                        "O1^OTHER^OLLIE")
                + segment(
                        "PV2",
                        1,
                        "W20^B9",
                        3,
                        "R07.4^Chest pain^I10",
                        11,
                        "3",
                        13,
                        "G1^HOUSE^GREG",
                        25,
                        "2",
                        38,
                        "A^Ambulance^HL70430"));
        Encounter encounter = one(conversion.bundle(), Encounter.class);
        // A pre-admission (class P) is planned: codesystems/PatientClass[EncounterStatus].
        assertThat(encounter.getStatus()).isEqualTo(Encounter.EncounterStatus.PLANNED);
        assertThat(encounter.getIdentifier()).extracting(Identifier::getValue).containsExactly("V77", "ALT77");
        assertThat(encounter.getIdentifierFirstRep().getAssigner().getDisplay()).isEqualTo("CLINA");
        assertThat(encounter.getTypeFirstRep().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v2-0007");
        assertThat(encounter.getLocation())
                .extracting(Encounter.EncounterLocationComponent::getStatus)
                .containsExactly(
                        Encounter.EncounterLocationStatus.PLANNED,
                        Encounter.EncounterLocationStatus.COMPLETED,
                        Encounter.EncounterLocationStatus.PLANNED);
        Encounter.EncounterHospitalizationComponent stay = encounter.getHospitalization();
        assertThat(stay.getPreAdmissionIdentifier().getValue()).isEqualTo("PRE9");
        assertThat(stay.getReAdmission().getCodingFirstRep().getDisplay()).isEqualTo("Re-admission");
        assertThat(stay.getSpecialArrangementFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("A2");
        assertThat(stay.getSpecialCourtesyFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("VIP");
        assertThat(stay.getDischargeDisposition().getCodingFirstRep().getCode()).isEqualTo("01");
        assertThat(stay.getDestination().getDisplay()).isEqualTo("HOSPICE");
        assertThat(stay.getDietPreferenceFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("VEG");
        assertThat(encounter.getParticipant())
                .extracting(p -> p.getTypeFirstRep().getCodingFirstRep().getCode())
                .containsExactly("REF", "PART", "REF");
        assertThat(encounter.getReasonCodeFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("R07.4");
        assertThat(encounter.getLength().getValue()).isEqualByComparingTo("3");
        assertThat(encounter.getLength().getCode()).isEqualTo("d");
        assertThat(encounter.getPriority().getCodingFirstRep().getCode()).isEqualTo("UR");
        assertThat(((Coding) encounter
                                .getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/encounter-modeOfArrival")
                                .getValue())
                        .getCode())
                .isEqualTo("A");
        assertThat(R4Validation.errors(conversion.bundle())).isEmpty();
    }

    private static Identifier identifier(Patient patient, String value) {
        return patient.getIdentifier().stream()
                .filter(i -> value.equals(i.getValue()))
                .findFirst()
                .orElseThrow();
    }

    private static Extension extension(Patient patient, String url) {
        Extension extension = patient.getExtensionByUrl(url);
        assertThat(extension).as("extension %s", url).isNotNull();
        return extension;
    }

    private Hl7v2Format.Conversion convert(String message) throws MappingException {
        return format.convert(
                message,
                new SourceMessage(
                        TestPartners.LAB,
                        UUID.fromString("00000000-0000-4000-8000-000000000004"),
                        Instant.parse("2026-11-26T10:00:00Z")));
    }

    private static <T extends Resource> T one(Bundle bundle, Class<T> type) {
        List<T> resources = bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
        assertThat(resources).as("entries of %s", type.getSimpleName()).hasSize(1);
        return resources.get(0);
    }
}
