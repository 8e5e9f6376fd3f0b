package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.healthportal.ingest.testing.TestPartners;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@RequiresCorpus
class Hl7v2FormatTest {

    static final PartnerProperties LAB = TestPartners.LAB;

    private final Hl7v2Format format = new Hl7v2Format();
    private final UUID receiptId = UUID.fromString("00000000-0000-4000-8000-000000000001");

    @Test
    void mapsTheCorpusLabOruToReportsObservationsAndOneProvenance() throws Exception {
        // A byte-order mark and LF segment separators, as the partner sent it.
        Bundle bundle = convert(Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7"));

        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(resources(bundle, Patient.class)).hasSize(1);
        List<DiagnosticReport> reports = resources(bundle, DiagnosticReport.class);
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).getIdentifierFirstRep().getValue()).isEqualTo("82503246");
        assertThat(reports.get(0).getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.FINAL);
        assertThat(reports.get(0).getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(reports.get(0).getResult()).hasSize(5);
        List<Observation> observations = resources(bundle, Observation.class);
        assertThat(observations).hasSize(10);

        Observation leukocytes = observations.get(0);
        assertThat(leukocytes.getStatus()).isEqualTo(Observation.ObservationStatus.REGISTERED);
        assertThat(leukocytes.hasValue()).isFalse();

        Observation erythrocytes = observations.get(1);
        assertThat(erythrocytes.getCode().getCodingFirstRep().getCode()).isEqualTo("11273-0");
        Quantity value = erythrocytes.getValueQuantity();
        assertThat(value.getValue()).isEqualByComparingTo("4.06");
        assertThat(value.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(value.getCode()).isEqualTo("10*12/L");
        assertThat(value.getUnit()).isEqualTo("tera.l-1");
        assertThat(erythrocytes.getStatus()).isEqualTo(Observation.ObservationStatus.PRELIMINARY);
        assertThat(erythrocytes.getInterpretationFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("N");
        assertThat(erythrocytes.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2014-10-06T06:27:00+07:00");
        assertThat(erythrocytes.getIdentifierFirstRep().getValue()).isEqualTo("82503246/11273-0");

        for (BundleEntryComponent entry : bundle.getEntry()) {
            assertThat(entry.getResource().getMeta().getSource())
                    .isEqualTo("urn:healthportal:partner:lab-b:message:182");
        }
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void writesEveryResourceByAConditionalRequestOnItsBusinessIdentifier() throws Exception {
        Bundle bundle = convert(Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7"));

        BundleEntryComponent patient = entry(bundle, Patient.class);
        assertThat(patient.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(patient.getRequest().getIfNoneExist())
                .isEqualTo("identifier=https%3A%2F%2Flab-b.example%2FId%2Fmrn|10006579");
        for (BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Observation || entry.getResource() instanceof DiagnosticReport) {
                assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
                assertThat(entry.getRequest().getUrl())
                        .startsWith(entry.getResource().fhirType()
                                + "?identifier=https%3A%2F%2Flab-b.example%2FId%2Forder|");
            }
        }
        Bundle again = convert(Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7"));
        assertThat(again.getEntry().stream()
                        .map(BundleEntryComponent::getFullUrl)
                        .toList())
                .isEqualTo(bundle.getEntry().stream()
                        .map(BundleEntryComponent::getFullUrl)
                        .toList());
    }

    @Test
    void provenanceHasADeterministicIdAndPointsAtEveryResourceAndTheArchivedPayload() throws Exception {
        Bundle bundle = convert(Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7"));
        BundleEntryComponent entry = entry(bundle, Provenance.class);
        Provenance provenance = (Provenance) entry.getResource();
        assertThat(entry.getRequest().getUrl()).isEqualTo("Provenance/receipt-" + receiptId);
        assertThat(provenance.getTarget()).hasSize(bundle.getEntry().size() - 1);
        assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getValue())
                .isEqualTo(receiptId.toString());
        assertThat(provenance.getAgentFirstRep().getWho().getIdentifier().getValue())
                .isEqualTo("lab-b");
        // MSH-7, as no EVN is present.
        assertThat(provenance.getOccurredDateTimeType().getValueAsString()).isEqualTo("2014-10-06T06:45:00+07:00");
    }

    @Test
    void mapsAdtA01Version28ToPatientAndEncounter() throws Exception {
        Bundle bundle = convert(Corpus.read("hl7v2/microsoft-FHIR-Converter/ADT-A01-01.hl7"));
        Patient patient = resources(bundle, Patient.class).get(0);
        assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo("PATID1234");
        assertThat(patient.getIdentifierFirstRep().getAssigner().getDisplay()).isEqualTo("test1");
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("EVERYMAN");
        assertThat(patient.getGender()).isEqualTo(AdministrativeGender.MALE);
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1988-08-18");
        assertThat(patient.getDeceasedDateTimeType().getValueAsString()).isEqualTo("2008-08-25T11:16:30+01:15");
        assertThat(entry(bundle, Patient.class).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);

        Encounter encounter = resources(bundle, Encounter.class).get(0);
        // PV1-19 (visit number); the "50" near the end of PV1 is PV1-50, the alternate visit id.
        assertThat(encounter.getIdentifierFirstRep().getValue()).isEqualTo("40007716");
        assertThat(encounter.getClass_().getCode()).isEqualTo("PRENC");
        assertThat(encounter.getSubject().getReference())
                .isEqualTo(entry(bundle, Patient.class).getFullUrl());
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void mapsAdtA04Version23AndAdtA08() throws Exception {
        Bundle a04 = convert(Corpus.read("hl7v2/microsoft-FHIR-Converter/ADT04-23.hl7"));
        Patient patient = resources(a04, Patient.class).get(0);
        assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo("123456789");
        assertThat(patient.getNameFirstRep().getGivenAsSingleString()).isEqualTo("MARIO");
        // PID-7 carries a time; the birth date keeps the date.
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1985-01-01");
        assertThat(R4Validation.errors(a04)).isEmpty();

        Bundle a08 = convert(Corpus.read("hl7v2/microsoft-FHIR-Converter/ADT-A08-01.hl7"));
        assertThat(resources(a08, Patient.class)).hasSize(1);
        assertThat(R4Validation.errors(a08)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "microsoft-FHIR-Converter/ADT-A01-01.hl7",
                "microsoft-FHIR-Converter/ADT-A01-02.hl7",
                "microsoft-FHIR-Converter/ADT-A04-01.hl7",
                "microsoft-FHIR-Converter/ADT-A04-02.hl7",
                "microsoft-FHIR-Converter/ADT-A08-01.hl7",
                "microsoft-FHIR-Converter/ADT-A08-02.hl7",
                "microsoft-FHIR-Converter/ADT01-23.hl7",
                "microsoft-FHIR-Converter/ADT01-28.hl7",
                "microsoft-FHIR-Converter/ADT04-23.hl7",
                "microsoft-FHIR-Converter/ADT04-251.hl7",
                "microsoft-FHIR-Converter/ADT04-28.hl7",
                "microsoft-FHIR-Converter/LAB-ORU-1.hl7",
                "microsoft-FHIR-Converter/LAB-ORU-2.hl7",
                "microsoft-FHIR-Converter/LRI_2.0-NG_CBC_Typ_Message.hl7",
                "HL7-v2-to-fhir-IG/test_conversions_ORU_R01.hl7",
                "LinuxForHealth-hl7v2-fhir-converter/ORU-multiline-short.hl7",
                "LinuxForHealth-hl7v2-fhir-converter/ORU-multiline-short-mixed.hl7",
                "LinuxForHealth-hl7v2-fhir-converter/sample_unix.hl7",
                "LinuxForHealth-hl7v2-fhir-converter/sample_win.hl7"
            })
    void everyCorpusAdtAndOruMessageMapsToABundleThatValidates(String file) throws Exception {
        Bundle bundle = convert(Corpus.read("hl7v2/" + file));
        assertThat(resources(bundle, Patient.class)).hasSize(1);
        assertThat(resources(bundle, Provenance.class)).hasSize(1);
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void aNarrativeReportWithoutObservationCodesBecomesThePresentedForm() throws Exception {
        Bundle bundle = convert(Corpus.read("hl7v2/LinuxForHealth-hl7v2-fhir-converter/ORU-multiline-short.hl7"));
        assertThat(resources(bundle, Observation.class)).isEmpty();
        DiagnosticReport report = resources(bundle, DiagnosticReport.class).get(0);
        String text = new String(report.getPresentedFormFirstRep().getData(), StandardCharsets.UTF_8);
        assertThat(text).contains("ED Encounter Arrival Date");
    }

    @Test
    void aStructuredNumericSentFlatIsReadAsComparatorAndNumber() throws Exception {
        Bundle bundle = convert(Corpus.read("hl7v2/HL7-v2-to-fhir-IG/test_conversions_ORU_R01.hl7"));
        Observation timothyGrass = resources(bundle, Observation.class).get(2);
        assertThat(timothyGrass.getValueQuantity().getComparator()).isEqualTo(Quantity.QuantityComparator.LESS_THAN);
        assertThat(timothyGrass.getValueQuantity().getValue()).isEqualByComparingTo("0.10");
    }

    @Test
    void aValidNhsNumberIdentifiesThePatientAndAnInvalidOneIsRefused() throws Exception {
        Bundle bundle = convert(oru("PID|1||9434765919^^^NHS^NH~A123^^^LABB^MR||SMITH^JO||19800101|F"));
        BundleEntryComponent patient = entry(bundle, Patient.class);
        assertThat(patient.getRequest().getIfNoneExist())
                .isEqualTo("identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number|9434765919");
        assertThat(((Patient) patient.getResource()).getIdentifier()).hasSize(2);

        assertThatThrownBy(() -> convert(oru("PID|1||9434765918^^^NHS^NH||SMITH^JO||19800101|F")))
                .isInstanceOf(MappingException.class)
                .extracting(e -> ((MappingException) e).code())
                .isEqualTo("INGEST-HL7-NHS-NUMBER-INVALID");
    }

    @Test
    void crLfAndCrLfSegmentSeparatorsGiveTheSameBundle() throws Exception {
        String message = oru("PID|1||A123^^^LABB^MR||SMITH^JO||19800101|F");
        Bundle cr = convert(message);
        Bundle lf = convert(message.replace('\r', '\n'));
        Bundle crlf = convert(message.replace("\r", "\r\n"));
        assertThat(lf.equalsDeep(cr)).isTrue();
        assertThat(crlf.equalsDeep(cr)).isTrue();
    }

    @Test
    void escapesAreDecodedAndTheHl7NullClearsAField() throws Exception {
        Bundle bundle = convert(oru(
                "PID|1||A123^^^LABB^MR||SMITH^JO||19800101|\"\"",
                "OBX|1|ST|8251-1^Comment^LN||Haemolysed \\T\\ lipaemic \\F\\ retest||||||F",
                "OBX|2|ST|8251-1^Comment^LN||Caf\\XC3A9\\ \\S\\ \\R\\ \\E\\||||||F"));
        Patient patient = resources(bundle, Patient.class).get(0);
        assertThat(patient.hasGender()).isFalse();
        Observation comment = resources(bundle, Observation.class).get(0);
        assertThat(comment.getValueStringType().getValue()).isEqualTo("Haemolysed & lipaemic | retest");
        assertThat(resources(bundle, Observation.class)
                        .get(1)
                        .getValueStringType()
                        .getValue())
                .isEqualTo("Café ^ ~ \\");
    }

    @Test
    void aPartnerSendingIso88591IsDecodedWithItsConfiguredCharset() throws Exception {
        PartnerProperties latin1 = new PartnerProperties(
                LAB.id(),
                LAB.format(),
                LAB.identifierSystems(),
                LAB.timeZone(),
                null,
                null,
                null,
                StandardCharsets.ISO_8859_1,
                null);
        byte[] payload = oru("PID|1||A123^^^LABB^MR||MÜLLER^RENÉE||19800101|F").getBytes(StandardCharsets.ISO_8859_1);
        Bundle bundle =
                format.map(payload, new SourceMessage(latin1, receiptId, Instant.parse("2026-11-26T10:00:00Z")));
        Patient patient = resources(bundle, Patient.class).get(0);
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("MÜLLER");
        assertThat(patient.getNameFirstRep().getGivenAsSingleString()).isEqualTo("RENÉE");
    }

    @Test
    void timestampsWithoutAZoneAreInThePartnersZoneIncludingTheHourClocksGoBack() {
        ZoneId london = ZoneId.of("Europe/London");
        assertThat(Hl7Timestamps.dateTime("20260115093000", london).getValueAsString())
                .isEqualTo("2026-01-15T09:30:00+00:00");
        assertThat(Hl7Timestamps.dateTime("20260715093000", london).getValueAsString())
                .isEqualTo("2026-07-15T09:30:00+01:00");
        // 01:30 happens twice on 25 October 2026: the first (summer time) is taken.
        assertThat(Hl7Timestamps.dateTime("20261025013000", london).getValueAsString())
                .isEqualTo("2026-10-25T01:30:00+01:00");
        assertThat(Hl7Timestamps.dateTime("202607150930+0200", london).getValueAsString())
                .isEqualTo("2026-07-15T09:30:00+02:00");
        assertThat(Hl7Timestamps.dateTime("20260715", london).getValueAsString())
                .isEqualTo("2026-07-15");
    }

    @Test
    void mapsStructuredNumericCodedAndComparatorValues() throws Exception {
        Bundle bundle = convert(oru(
                "PID|1||A123^^^LABB^MR||SMITH^JO||19800101|F",
                "OBX|1|SN|2160-0^Creatinine^LN||<^5|umol/L^^UCUM|45-90|L|||F",
                "OBX|2|SN|5130-0^Titre^LN||^1^:^128||||||F",
                "OBX|3|SN|2345-7^Glucose^LN||^4^-^6|mmol/L||||||F",
                "OBX|4|CWE|600-7^Culture^LN||3092008^Staphylococcus aureus^SCT||||||F",
                "OBX|5|NM|4548-4^HbA1c^LN||48|mmol/mol|20-41|H|||F"));
        List<Observation> observations = resources(bundle, Observation.class);
        Quantity creatinine = observations.get(0).getValueQuantity();
        assertThat(creatinine.getComparator()).isEqualTo(Quantity.QuantityComparator.LESS_THAN);
        assertThat(creatinine.getValue()).isEqualByComparingTo(BigDecimal.valueOf(5));
        assertThat(observations.get(0).getReferenceRangeFirstRep().getLow().getValue())
                .isEqualByComparingTo("45");
        assertThat(observations.get(0).getReferenceRangeFirstRep().getHigh().getValue())
                .isEqualByComparingTo("90");
        assertThat(observations
                        .get(0)
                        .getInterpretationFirstRep()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("L");
        Ratio titre = observations.get(1).getValueRatio();
        assertThat(titre.getDenominator().getValue()).isEqualByComparingTo("128");
        Range glucose = observations.get(2).getValueRange();
        assertThat(glucose.getLow().getCode()).isEqualTo("mmol/L");
        assertThat(observations
                        .get(3)
                        .getValueCodeableConcept()
                        .getCodingFirstRep()
                        .getSystem())
                .isEqualTo("http://snomed.info/sct");
        Quantity hba1c = observations.get(4).getValueQuantity();
        assertThat(hba1c.getCode()).isEqualTo("mmol/mol");
        assertThat(observations.get(4).getReferenceRangeFirstRep().getHigh().getValue())
                .isEqualByComparingTo("41");
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void unmappedSegmentsAndFieldsAreReportedByNameOnly() throws Exception {
        Hl7v2Format.Conversion conversion = format.convert(
                Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7"),
                new SourceMessage(LAB, receiptId, Instant.parse("2026-11-26T10:00:00Z")));
        assertThat(conversion.unmapped())
                .contains("SPM-11", "PID-16 marital status outside the IG's MaritalStatus map");
        assertThat(String.join(" ", conversion.unmapped())).doesNotContain("DUCK");
    }

    @Test
    void unsupportedEventsAndUnparseableInputHaveClearErrorCodes() {
        assertThatThrownBy(() -> convert(Corpus.read("hl7v2/microsoft-FHIR-Converter/ADT-A02-01.hl7")))
                .isInstanceOf(MappingException.class)
                .extracting(e -> ((MappingException) e).code())
                .isEqualTo("INGEST-HL7-UNSUPPORTED-EVENT");
        assertThatThrownBy(() -> convert("\u0000\u0001binary garbage"))
                .isInstanceOf(MappingException.class)
                .extracting(e -> ((MappingException) e).code())
                .isEqualTo("INGEST-HL7-NO-MSH");
        assertThatThrownBy(() -> convert("MSH|^~\\&|LAB||PORTAL||20260101||ORU^R01|1|P|2.5.1\rOBR|1||F1|x^y\r"))
                .isInstanceOf(MappingException.class)
                .extracting(e -> ((MappingException) e).code())
                .isEqualTo("INGEST-HL7-MISSING-SEGMENT");
    }

    @Test
    void badInputIsAMappingErrorWithACodeNeverACrash() {
        String oru = oru("PID|1||A123^^^LABB^MR||SMITH^JO||19800101|F");
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("wrong encoding characters", oru.replace("MSH|^~\\&|", "MSH|#$%|"));
        cases.put("truncated inside MSH", oru.substring(0, 40));
        cases.put(
                "binary after MSH",
                oru.substring(0, oru.indexOf('\r') + 1) + new String(noise, StandardCharsets.ISO_8859_1));
        cases.put("unknown version", oru.replace("|P|2.5.1", "|P|9.9"));
        cases.put("no message type", oru.replace("ORU^R01", ""));
        cases.put("text in an NM value", oru.replace("||135|g/L|", "||one-three-five|g/L|"));
        cases.put("impossible timestamp", oru.replace("|20260701090000|", "|20261341090000|"));
        cases.put("not HL7 at all", "{\"resourceType\":\"Patient\"}");
        for (var entry : cases.entrySet()) {
            assertThatThrownBy(() -> convert(entry.getValue()))
                    .as(entry.getKey())
                    .isInstanceOf(MappingException.class)
                    .satisfies(e -> assertThat(((MappingException) e).code()).startsWith("INGEST-HL7-"))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SMITH"));
        }
    }

    static String oru(String pid, String... obx) {
        StringBuilder message = new StringBuilder("MSH|^~\\&|LAB|LABB|PORTAL|NHS|20260701101500||ORU^R01|M1|P|2.5.1\r")
                .append(pid)
                .append('\r')
                .append("OBR|1|P1|F1|24317-0^Hemogram^LN|||20260701090000|||||||||||||||20260701100000|||F\r");
        if (obx.length == 0) {
            message.append("OBX|1|NM|718-7^Haemoglobin^LN||135|g/L|130-170|N|||F\r");
        }
        for (String segment : obx) {
            message.append(segment).append('\r');
        }
        return message.toString();
    }

    private Bundle convert(String message) throws MappingException {
        return format.convert(message, new SourceMessage(LAB, receiptId, Instant.parse("2026-11-26T10:00:00Z")))
                .bundle();
    }

    private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    private static BundleEntryComponent entry(Bundle bundle, Class<? extends Resource> type) {
        return bundle.getEntry().stream()
                .filter(e -> type.isInstance(e.getResource()))
                .findFirst()
                .orElseThrow();
    }
}
