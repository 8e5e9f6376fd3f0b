package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.TestPartners;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * What partners really send (issue 4, item 14), one case a test, on small messages written here. The
 * same MSH-10 reused for other content is decided at intake, where dedup happens: {@code
 * IntakeIT.theSameMessageTwiceIsOneReceiptButAReusedControlIdWithOtherContentIsNot}.
 */
class Hl7v2MessinessTest {

    private static final String ADT_A01 =
            "MSH|^~\\&|CLINIC|CLINA|PORTAL|NHS|20260701101500||ADT^A01^ADT_A01|C1|P|2.4\r" + "EVN|A01|20260701101500\r";
    private static final String PID = "PID|1||A123^^^CLINA^MR||SMITH^JO||19800101|F\r";
    private static final String PV1 = "PV1|1|I|||||||||||||||||V77|||||||||||||||||||||||||20260701090000\r";

    private final Hl7v2Format format = new Hl7v2Format();

    @Test
    void segmentsSplitByCrLfCrLfOrAMixtureGiveTheSameBundle() throws Exception {
        String message = ADT_A01 + PID + PV1;
        Bundle cr = convert(message);
        assertThat(convert(message.replace("\r", "\n")).equalsDeep(cr)).isTrue();
        assertThat(convert(message.replace("\r", "\r\n")).equalsDeep(cr)).isTrue();
        String mixed = ADT_A01.replace("\r", "\n") + PID.replace("\r", "\r\n") + PV1 + "\n\n";
        assertThat(convert(mixed).equalsDeep(cr)).isTrue();
    }

    @Test
    void everyEscapeSequenceIsDecodedInNamesAndAddresses() throws Exception {
        Bundle bundle = convert(ADT_A01
                + "PID|1||A123^^^CLINA^MR||O\\S\\BRIEN^J\\T\\J||19800101|F|||Flat 2\\F\\3\\E\\4^^Caf\\XC3A9\\ Town\r"
                + PV1);
        Patient patient = one(bundle, Patient.class);
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("O^BRIEN");
        assertThat(patient.getNameFirstRep().getGivenAsSingleString()).isEqualTo("J&J");
        assertThat(patient.getAddressFirstRep().getLine().get(0).getValue()).isEqualTo("Flat 2|3\\4");
        assertThat(patient.getAddressFirstRep().getCity()).isEqualTo("Café Town");
    }

    @Test
    void theHl7NullClearsAFieldAnEarlierMessageSet() throws Exception {
        Patient first = one(convert(ADT_A01 + PID + PV1), Patient.class);
        assertThat(first.hasGender()).isTrue();
        String update = ADT_A01.replace("ADT^A01^ADT_A01", "ADT^A08^ADT_A01").replace("EVN|A01", "EVN|A08")
                + "PID|1||A123^^^CLINA^MR||SMITH^JO||\"\"|\"\"|||\"\"||\"\"\r" + PV1;
        Bundle bundle = convert(update);
        Patient cleared = one(bundle, Patient.class);
        assertThat(cleared.hasGender()).isFalse();
        assertThat(cleared.hasBirthDate()).isFalse();
        assertThat(cleared.hasAddress()).isFalse();
        assertThat(cleared.hasTelecom()).isFalse();
        // A conditional update replaces the stored Patient, so what is left out is cleared there too.
        assertThat(entry(bundle, Patient.class).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
    }

    @Test
    void repeatingFieldsKeepEveryRepetition() throws Exception {
        Bundle bundle = convert(ADT_A01
                + "PID|1||A123^^^CLINA^MR~9434765919^^^NHS^NH||SMITH^JO^^^^^L~JONES^JO^^^^^M||19800101|F|||"
                + "1 High St^^Leeds^^LS1 1AA^GBR^H~2 Low Rd^^York^^YO1 1AA^GBR^B||01131234567~07700900123^^CP|02079460000\r"
                + PV1);
        Patient patient = one(bundle, Patient.class);
        assertThat(patient.getIdentifier()).extracting(i -> i.getValue()).containsExactly("A123", "9434765919");
        assertThat(patient.getName()).extracting(n -> n.getFamily()).containsExactly("SMITH", "JONES");
        assertThat(patient.getAddress()).extracting(a -> a.getCity()).containsExactly("Leeds", "York");
        assertThat(patient.getTelecom())
                .extracting(ContactPoint::getValue)
                .containsExactly("01131234567", "07700900123", "02079460000");
        assertThat(patient.getTelecom().get(1).getUse()).isEqualTo(ContactPoint.ContactPointUse.MOBILE);
        assertThat(patient.getTelecom().get(2).getUse()).isEqualTo(ContactPoint.ContactPointUse.WORK);
        // The NHS number, not the MRN, identifies the patient across partners.
        assertThat(entry(bundle, Patient.class).getRequest().getUrl()).endsWith("nhs-number|9434765919");
    }

    @Test
    void zSegmentsAnywhereAreReportedUnmappedNeverACrash() throws Exception {
        Hl7v2Format.Conversion adt =
                format.convert(ADT_A01 + "ZAA|1|local stuff\r" + PID + "ZPI|1|VIP^^L\r" + PV1 + "ZPV|end", source());
        assertThat(adt.unmapped()).contains("ZAA", "ZPI", "ZPV");
        assertThat(adt.unmapped().toString()).doesNotContain("local stuff");
        assertThat(one(adt.bundle(), Encounter.class).getIdentifierFirstRep().getValue())
                .isEqualTo("V77");

        Hl7v2Format.Conversion oru = format.convert(
                Hl7v2FormatTest.oru("PID|1||A123^^^LABB^MR||SMITH^JO||19800101|F")
                        + "ZRS|1|analyser 7\rOBX|2|NM|2345-7^Glucose^LN||5.4|mmol/L|||||F\r",
                source());
        assertThat(oru.unmapped()).contains("ZRS");
        // An OBX after the Z-segment still belongs to the report.
        assertThat(all(oru.bundle(), Observation.class)).hasSize(2);
    }

    @Test
    void segmentsAMessageTypeDoesNotReadAreReportedEvenWhereAnotherTypeReadsThem() throws Exception {
        Hl7v2Format.Conversion adt = format.convert(ADT_A01 + PID + PV1 + "SPM|1|S1||BLD\r", source());
        assertThat(adt.unmapped()).contains("SPM");
        Hl7v2Format.Conversion oru = format.convert(
                Hl7v2FormatTest.oru("PID|1||A123^^^LABB^MR||SMITH^JO||19800101|F\rAL1|1|DA|P^PENICILLIN"), source());
        assertThat(oru.unmapped()).contains("AL1").doesNotContain("OBX", "OBR");
    }

    @Test
    void timestampsTakeThePartnersZoneUnlessTheyCarryOneIncludingBothUkClockChanges() throws Exception {
        Provenance ambiguous = one(
                convert(ADT_A01.replace("EVN|A01|20260701101500", "EVN|A01|20261025013000") + PID + PV1),
                Provenance.class);
        // 01:30 on 25 October 2026 happens twice in London: the first, summer-time one is taken.
        assertThat(ambiguous.getOccurredDateTimeType().getValueAsString()).isEqualTo("2026-10-25T01:30:00+01:00");
        Provenance explicit = one(
                convert(ADT_A01.replace("EVN|A01|20260701101500", "EVN|A01|20261025013000+0000") + PID + PV1),
                Provenance.class);
        assertThat(explicit.getOccurredDateTimeType().getValueAsString()).isEqualTo("2026-10-25T01:30:00+00:00");
        // 01:30 on 29 March 2026 does not exist in London: it is read as the same moment one hour on.
        Provenance skipped = one(
                convert(ADT_A01.replace("EVN|A01|20260701101500", "EVN|A01|20260329013000") + PID + PV1),
                Provenance.class);
        assertThat(skipped.getOccurredDateTimeType().getValueAsString()).isEqualTo("2026-03-29T02:30:00+01:00");
        Provenance winter = one(
                convert(ADT_A01.replace("EVN|A01|20260701101500", "EVN|A01|202601151030") + PID + PV1),
                Provenance.class);
        assertThat(winter.getOccurredDateTimeType().getValueAsString()).isEqualTo("2026-01-15T10:30:00+00:00");
    }

    @Test
    void missingComponentsLeaveOnlyTheirElementsOut() throws Exception {
        Bundle bundle = convert(ADT_A01 + "PID|1||A123^^^CLINA^MR||SMITH||19800101|F|||^^^^LS1 1AA||^^^jo@example.org\r"
                + "PV1|1||||||||||||||||||V77\r");
        Patient patient = one(bundle, Patient.class);
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("SMITH");
        assertThat(patient.getNameFirstRep().hasGiven()).isFalse();
        assertThat(patient.getAddressFirstRep().getPostalCode()).isEqualTo("LS1 1AA");
        assertThat(patient.getAddressFirstRep().hasLine()).isFalse();
        Encounter encounter = one(bundle, Encounter.class);
        // An empty PV1-2 is an unknown class, not an error.
        assertThat(encounter.getClass_().getCode()).isEqualTo("UNK");
        assertThat(R4Validation.errors(bundle)).isEmpty();

        Bundle result = convert(Hl7v2FormatTest.oru(
                "PID|1||A123^^^LABB^MR",
                "OBX|1|NM|^Potassium||4.1||||||F",
                "OBX|2|CWE|600-7^Culture^LN||^No growth||||||F"));
        List<Observation> observations = all(result, Observation.class);
        // An OBX-3 without a code keeps its text; a CWE value without a code keeps its text.
        assertThat(observations.get(0).getCode().getText()).isEqualTo("Potassium");
        assertThat(observations.get(0).getValueQuantity().hasUnit()).isFalse();
        assertThat(observations.get(1).getValueCodeableConcept().getText()).isEqualTo("No growth");
    }

    @Test
    void unknownMessageTypesAndTriggerEventsAreDeadLetteredWithACode() {
        for (String type : List.of("ADT^A02^ADT_A02", "ADT^Z99", "ZZZ^Z01", "ORU^R30", "SIU^S17")) {
            String message = ADT_A01.replace("ADT^A01^ADT_A01", type) + PID + PV1;
            MappingException error = mappingError(message);
            assertThat(error.code()).as(type).isEqualTo("INGEST-HL7-UNSUPPORTED-EVENT");
            String[] parts = type.split("\\^");
            assertThat(error.reason()).as(type).contains(parts[0] + "^" + parts[1]);
        }
        assertThat(mappingError(ADT_A01.replace("|C1|", "||") + PID).code()).isEqualTo("INGEST-HL7-NO-CONTROL-ID");
    }

    private MappingException mappingError(String message) {
        try {
            convert(message);
        } catch (MappingException e) {
            return e;
        }
        throw new AssertionError("no mapping error");
    }

    private Bundle convert(String message) throws MappingException {
        return format.convert(message, source()).bundle();
    }

    private static SourceMessage source() {
        return new SourceMessage(
                TestPartners.LAB,
                UUID.fromString("00000000-0000-4000-8000-000000000003"),
                Instant.parse("2026-11-26T10:00:00Z"));
    }

    private static BundleEntryComponent entry(Bundle bundle, Class<? extends Resource> type) {
        return bundle.getEntry().stream()
                .filter(e -> type.isInstance(e.getResource()))
                .findFirst()
                .orElseThrow();
    }

    private static <T extends Resource> List<T> all(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    private static <T extends Resource> T one(Bundle bundle, Class<T> type) {
        List<T> found = all(bundle, type);
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
