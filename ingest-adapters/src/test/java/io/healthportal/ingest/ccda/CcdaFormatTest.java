package io.healthportal.ingest.ccda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.healthportal.ingest.config.CcdaSettings;
import io.healthportal.ingest.config.IngestProperties.IdentifierSystems;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.hl7v2.NhsNumber;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.RequiresCorpus;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

@RequiresCorpus
class CcdaFormatTest {

    static final String CCD_1 = "ccda/HL7-C-CDA-Examples/Documents/CCD/CCD 1/CCD.XML";
    static final String BAD_TIMESTAMP_EXAMPLE = "Result with greater than a specified value";
    static final UUID RECEIPT = UUID.fromString("00000000-0000-4000-8000-00000000cda1");

    /** A GP system sending CCDs: MRNs under its own OID root. */
    static final PartnerProperties GP = new PartnerProperties(
            "gp-ccd",
            PayloadFormat.CCDA,
            new IdentifierSystems(
                    "https://gp-ccd.example/Id/mrn",
                    "https://gp-ccd.example/Id/order",
                    "https://gp-ccd.example/Id/visit"),
            ZoneId.of("Europe/London"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new CcdaSettings(null, null),
            null);

    private final CcdaFormat format = new CcdaFormat();

    @Test
    void mapsTheHl7ExampleCcdsProblemsAllergiesMedicationsResultsAndVitalSigns() throws Exception {
        Bundle bundle = map(Corpus.read(CCD_1));

        Patient patient = single(bundle, Patient.class);
        assertThat(patient.getIdentifierFirstRep().getSystem()).isEqualTo("https://gp-ccd.example/Id/mrn");
        assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo("444222222");
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Betterhalf");
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1975-05-01");

        List<Condition> conditions = resources(bundle, Condition.class);
        assertThat(conditions).isNotEmpty();
        assertThat(conditions).allSatisfy(c -> {
            assertThat(c.getCode().hasCoding()).isTrue();
            assertThat(c.getClinicalStatus().getCodingFirstRep().getCode()).isIn("active", "inactive", "resolved");
        });
        List<AllergyIntolerance> allergies = resources(bundle, AllergyIntolerance.class);
        assertThat(allergies).isNotEmpty();
        assertThat(allergies)
                .anySatisfy(a -> assertThat(a.getReactionFirstRep()
                                .getManifestationFirstRep()
                                .hasCoding())
                        .isTrue());
        List<MedicationStatement> medications = resources(bundle, MedicationStatement.class);
        assertThat(medications).isNotEmpty();
        assertThat(medications)
                .allSatisfy(m -> assertThat(m.getMedicationCodeableConcept()
                                .getCodingFirstRep()
                                .getSystem())
                        .isEqualTo("http://www.nlm.nih.gov/research/umls/rxnorm"));

        List<Observation> observations = resources(bundle, Observation.class);
        List<Observation> vitals = observations.stream()
                .filter(o ->
                        o.getCategoryFirstRep().getCodingFirstRep().getCode().equals("vital-signs"))
                .toList();
        assertThat(vitals).isNotEmpty().allSatisfy(v -> {
            assertThat(v.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
            if (v.hasValueQuantity()) {
                assertThat(v.getValueQuantity().getSystem()).isEqualTo("http://unitsofmeasure.org");
            }
        });
        DiagnosticReport report = resources(bundle, DiagnosticReport.class).get(0);
        assertThat(report.getResult()).isNotEmpty();
        assertThat(report.getResult())
                .allSatisfy(r -> assertThat(bundle.getEntry())
                        .anySatisfy(e -> assertThat(e.getFullUrl()).isEqualTo(r.getReference())));

        Provenance provenance = single(bundle, Provenance.class);
        assertThat(provenance.hasOccurredDateTimeType()).isTrue();
        assertThat(provenance.getTarget()).hasSize(bundle.getEntry().size() - 1);
        // Every clinical resource is written by a conditional update on its entry's id.
        assertThat(bundle.getEntry())
                .filteredOn(e -> !(e.getResource() instanceof Patient) && !(e.getResource() instanceof Provenance))
                .allSatisfy(e -> assertThat(e.getRequest().getUrl()).contains("?identifier="));
    }

    @Test
    void reportsTheSectionsItDoesNotMapWithoutTheirContent() throws Exception {
        CcdaFormat.Conversion conversion = format.convert(
                Corpus.read(CCD_1).getBytes(StandardCharsets.UTF_8),
                new SourceMessage(GP, RECEIPT, Instant.parse("2026-10-27T10:00:00Z")));

        // Family history, immunizations, plan of treatment, social history, encounters, payers, advance
        // directives, functional status, procedures, medical equipment.
        assertThat(conversion.unmapped())
                .contains(
                        "section LOINC 10157-6",
                        "section LOINC 11369-6",
                        "section LOINC 18776-5",
                        "section LOINC 29762-2",
                        "section LOINC 46240-8",
                        "section LOINC 48768-6",
                        "section LOINC 42348-3",
                        "section LOINC 47420-5",
                        "section LOINC 47519-4",
                        "section LOINC 46264-8")
                .doesNotContain(
                        "section LOINC 11450-4",
                        "section LOINC 48765-2",
                        "section LOINC 10160-0",
                        "section LOINC 30954-2",
                        "section LOINC 8716-3");
    }

    @Test
    void everyCorpusDocumentMapsAndEveryResourcePassesR4Validation() throws Exception {
        List<Path> documents = documents();
        assertThat(documents).hasSizeGreaterThanOrEqualTo(12);
        for (Path document : documents) {
            Bundle bundle = map(Files.readString(document, StandardCharsets.UTF_8));
            assertThat(R4Validation.errors(bundle)).as(document.toString()).isEmpty();
        }
    }

    @Test
    void resultSectionExamplesMapToReportsAndObservationsThatValidate() throws Exception {
        List<Path> sections;
        try (Stream<Path> files = Files.walk(Corpus.root().resolve("ccda/HL7-C-CDA-Examples/Results"))) {
            sections = files.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
        assertThat(sections).hasSizeGreaterThanOrEqualTo(10);
        int observations = 0;
        for (Path section : sections) {
            String text = Files.readString(section, StandardCharsets.UTF_8);
            if (section.toString().contains(BAD_TIMESTAMP_EXAMPLE)) {
                // Its effectiveTime has 13 digits: the partner's error, dead-lettered with its code.
                assertThatThrownBy(() -> map(inDocument(text)))
                        .isInstanceOfSatisfying(
                                MappingException.class,
                                e -> assertThat(e.code()).isEqualTo("INGEST-CCDA-BAD-TIMESTAMP"));
                continue;
            }
            // The examples are bare sections: wrapped in a minimal document of a test patient.
            Bundle bundle = map(inDocument(text));
            observations += resources(bundle, Observation.class).size();
            assertThat(resources(bundle, Observation.class))
                    .as(section.toString())
                    .isNotEmpty();
            assertThat(R4Validation.errors(bundle)).as(section.toString()).isEmpty();
        }
        assertThat(observations).isGreaterThanOrEqualTo(20);
    }

    @Test
    void aCo2ResultKeepsItsUcumQuantityAndReferenceRange() throws Exception {
        Bundle bundle = map(inDocument(Corpus.read(
                "ccda/HL7-C-CDA-Examples/Results/Results of CO2 Test/Results of CO2 Test Normal(C-CDA2.1).xml")));

        Observation co2 = single(bundle, Observation.class);
        assertThat(co2.getCode().getCodingFirstRep().getCode()).isEqualTo("2028-9");
        assertThat(co2.getValueQuantity().getValue()).isEqualByComparingTo(new BigDecimal("27"));
        assertThat(co2.getValueQuantity().getCode()).isEqualTo("mmol/L");
        assertThat(co2.getReferenceRangeFirstRep().getLow().getValue()).isEqualByComparingTo("23");
        assertThat(co2.getReferenceRangeFirstRep().getHigh().getValue()).isEqualByComparingTo("29");
        assertThat(co2.getInterpretationFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("N");
        assertThat(single(bundle, DiagnosticReport.class).getResultFirstRep().getReference())
                .isEqualTo(entryOf(bundle, co2).getFullUrl());
    }

    @Test
    void anNhsNumberUnderItsOidIdentifiesThePatient() throws Exception {
        String document = inDocument("")
                .replace(
                        "<id extension=\"TEST-1\" root=\"2.16.840.1.113883.19.5\"/>",
                        "<id extension=\"9434765919\" root=\"2.16.840.1.113883.2.1.4.1\"/>"
                                + "<id extension=\"TEST-1\" root=\"2.16.840.1.113883.19.5\"/>");

        Bundle bundle = map(document);

        Patient patient = single(bundle, Patient.class);
        assertThat(patient.getIdentifier())
                .extracting(i -> i.getSystem())
                .containsExactly(NhsNumber.SYSTEM, "https://gp-ccd.example/Id/mrn");
        assertThat(entryOf(bundle, patient).getRequest().getIfNoneExist())
                .isEqualTo("identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number|9434765919");
    }

    @Test
    void anNhsNumberFailingItsCheckDigitIsRefused() {
        String document = inDocument("")
                .replace(
                        "<id extension=\"TEST-1\" root=\"2.16.840.1.113883.19.5\"/>",
                        "<id extension=\"9434765918\" root=\"2.16.840.1.113883.2.1.4.1\"/>");

        assertThatThrownBy(() -> map(document)).isInstanceOfSatisfying(MappingException.class, e -> {
            assertThat(e.code()).isEqualTo("INGEST-CCDA-NHS-NUMBER-INVALID");
            assertThat(e.reason()).doesNotContain("9434765918");
        });
    }

    @Test
    void aDocumentDeclaringEntitiesIsRefusedWithoutReadingThem() throws IOException {
        Path secret = Files.createTempFile("ccda-xxe", ".txt");
        Files.writeString(secret, "SECRET-CONTENT");
        String attack = "<?xml version=\"1.0\"?>\n<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM \""
                + secret.toUri() + "\">]>\n"
                + inDocument("")
                        .replace("<title>Test</title>", "<title>&xxe;</title>")
                        .substring("<?xml version=\"1.0\"?>\n".length());

        assertThatThrownBy(() -> map(attack)).isInstanceOfSatisfying(MappingException.class, e -> {
            assertThat(e.code()).isEqualTo("INGEST-CCDA-PARSE");
            assertThat(e.reason()).contains("DOCTYPE").doesNotContain("SECRET-CONTENT");
        });
    }

    @Test
    void aPayloadThatIsNotAClinicalDocumentIsRefused() {
        assertThatThrownBy(() -> map("<section xmlns=\"urn:hl7-org:v3\"/>"))
                .isInstanceOfSatisfying(
                        MappingException.class, e -> assertThat(e.code()).isEqualTo("INGEST-CCDA-NOT-CDA"));
        assertThatThrownBy(() -> map("MSH|^~\\&|not xml"))
                .isInstanceOfSatisfying(
                        MappingException.class, e -> assertThat(e.code()).isEqualTo("INGEST-CCDA-PARSE"));
    }

    /** A minimal C-CDA document around a section (or none), for a test patient. */
    static String inDocument(String section) {
        String fragment = section.replaceFirst("^\\s*<\\?xml[^>]*>", "");
        // Some examples wrap their section in its component already.
        boolean wrapped = fragment.replaceAll("(?s)<!--.*?-->", "").strip().startsWith("<component");
        return """
                <?xml version="1.0"?>
                <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdtc="urn:hl7-org:sdtc">
                  <templateId root="2.16.840.1.113883.10.20.22.1.2"/>
                  <id root="2.16.840.1.113883.19.5.99999.1" extension="TEST-DOC"/>
                  <code code="34133-9" codeSystem="2.16.840.1.113883.6.1"/>
                  <title>Test</title>
                  <effectiveTime value="20261027091500+0000"/>
                  <recordTarget><patientRole>
                    <id extension="TEST-1" root="2.16.840.1.113883.19.5"/>
                    <patient><name><given>Test</given><family>Patient</family></name>
                      <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/>
                      <birthTime value="19700101"/></patient>
                  </patientRole></recordTarget>
                  <component><structuredBody>%s
                %s
                  %s</structuredBody></component>
                </ClinicalDocument>
                """.formatted(wrapped ? "" : "<component>", fragment, wrapped ? "" : "</component>");
    }

    static List<Path> documents() throws IOException {
        try (Stream<Path> files = Files.walk(Corpus.root().resolve("ccda/HL7-C-CDA-Examples/Documents"))) {
            return files.filter(p -> p.toString().toLowerCase().endsWith(".xml"))
                    .sorted()
                    .toList();
        }
    }

    Bundle map(String document) throws MappingException {
        return format.map(
                document.getBytes(StandardCharsets.UTF_8),
                new SourceMessage(GP, RECEIPT, Instant.parse("2026-10-27T10:00:00Z")));
    }

    static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    static <T extends Resource> T single(Bundle bundle, Class<T> type) {
        List<T> found = resources(bundle, type);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    static Bundle.BundleEntryComponent entryOf(Bundle bundle, Resource resource) {
        return bundle.getEntry().stream()
                .filter(e -> e.getResource() == resource)
                .findFirst()
                .orElseThrow();
    }
}
