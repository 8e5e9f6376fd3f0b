package io.healthportal.ingest.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.hl7v2.NhsNumber;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.healthportal.ingest.testing.TestPartners;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

@RequiresCorpus
class CsvFormatTest {

    private static final String CORPUS_FILE = "csv/tuva-health-demo/pharmacy_claim.csv";
    private static final UUID RECEIPT = UUID.fromString("00000000-0000-4000-8000-00000000c5f1");
    private static final String UK_HEADER =
            "Dispense ID;Rx ID;NHS Number;Local ID;dm+d;Medicine;Qty;Unit;Days;Dispensed\n";

    private final CsvFormat format = new CsvFormat();

    @Test
    void mapsEveryRowOfTheCorpusClaimsFileToADispenseOfItsPatientWithOneProvenance() throws Exception {
        Bundle bundle = map(TestPartners.NDC_PHARMACY, Corpus.read(CORPUS_FILE), RECEIPT);

        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        List<MedicationDispense> dispenses = resources(bundle, MedicationDispense.class);
        assertThat(dispenses).hasSize(648);
        assertThat(resources(bundle, Patient.class)).hasSize(76);
        List<Provenance> provenances = resources(bundle, Provenance.class);
        assertThat(provenances).hasSize(1);
        assertThat(provenances.get(0).getTarget()).hasSize(648 + 76);

        MedicationDispense first = dispenses.get(0);
        assertThat(first.getIdentifierFirstRep().getSystem()).isEqualTo("https://pharmacy-us.example/Id/claim-line");
        assertThat(first.getIdentifierFirstRep().getValue()).isEqualTo("13091-3d0d320f-73c2-4e83-ba55-4e07a8f7c87d-2");
        assertThat(first.getStatus()).isEqualTo(MedicationDispense.MedicationDispenseStatus.COMPLETED);
        assertThat(first.getMedicationCodeableConcept().getCodingFirstRep().getSystem())
                .isEqualTo("http://hl7.org/fhir/sid/ndc");
        assertThat(first.getMedicationCodeableConcept().getCodingFirstRep().getCode())
                .isEqualTo("59651043799");
        assertThat(first.getQuantity().getValue()).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(first.getWhenHandedOverElement().getValueAsString()).isEqualTo("2018-01-19");
        assertThat(first.getSubject().getReference()).startsWith("urn:uuid:");
        BundleEntryComponent firstEntry = entryOf(bundle, first);
        assertThat(firstEntry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        assertThat(firstEntry.getRequest().getUrl())
                .isEqualTo("MedicationDispense?identifier=https%3A%2F%2Fpharmacy-us.example%2FId%2Fclaim-line|"
                        + "13091-3d0d320f-73c2-4e83-ba55-4e07a8f7c87d-2");
    }

    @Test
    void ndcCodesKeepTheirLeadingZeros() throws Exception {
        String text = Corpus.read(CORPUS_FILE);
        List<String> sent =
                text.lines().skip(1).map(line -> line.split(",", -1)[7]).toList();
        assertThat(sent).filteredOn(code -> code.startsWith("0")).hasSize(13);

        List<String> mapped =
                resources(map(TestPartners.NDC_PHARMACY, text, RECEIPT), MedicationDispense.class).stream()
                        .map(d -> d.getMedicationCodeableConcept()
                                .getCodingFirstRep()
                                .getCode())
                        .toList();
        assertThat(mapped).isEqualTo(sent).allMatch(code -> code.length() == 11);
    }

    @Test
    void blankCellsOfOptionalColumnsLeaveTheirElementsOut() throws Exception {
        // Every row of the corpus file has days_supply, refills and the NPIs blank.
        List<MedicationDispense> dispenses =
                resources(map(TestPartners.NDC_PHARMACY, Corpus.read(CORPUS_FILE), RECEIPT), MedicationDispense.class);
        assertThat(dispenses).noneMatch(MedicationDispense::hasDaysSupply);

        Bundle bundle = map(
                TestPartners.UK_PHARMACY,
                UK_HEADER + "D-2;;;P002;39720311000001101;;;;;\n" + "D-3;;;P003;39720311000001101\n",
                RECEIPT);
        List<MedicationDispense> sparse = resources(bundle, MedicationDispense.class);
        assertThat(sparse).hasSize(2).allSatisfy(d -> {
            assertThat(d.hasQuantity()).isFalse();
            assertThat(d.hasDaysSupply()).isFalse();
            assertThat(d.hasWhenHandedOver()).isFalse();
            assertThat(d.hasAuthorizingPrescription()).isFalse();
            assertThat(d.getMedicationCodeableConcept().hasText()).isFalse();
        });
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void everyResourceOfTheCorpusFilePassesTheR4Validator() throws Exception {
        Bundle bundle = map(TestPartners.NDC_PHARMACY, Corpus.read(CORPUS_FILE), RECEIPT);
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void mapsAUkFeedWithDmdCodesAndTheNhsNumberAsThePatientsIdentity() throws Exception {
        Bundle bundle = map(
                TestPartners.UK_PHARMACY,
                UK_HEADER
                        + "D-1001;RX-77;943 476 5919;P001;39720311000001101;\"Paracetamol 500mg tablets; \"\"soluble\"\"\";32;tablet;8;03/11/2026\r\n"
                        + "D-1002;RX-78;9434765919;P001;42109611000001109;Amoxicillin 250mg capsules;21;capsule;7;04/11/2026\r\n",
                RECEIPT);

        assertThat(R4Validation.errors(bundle)).isEmpty();
        List<Patient> patients = resources(bundle, Patient.class);
        assertThat(patients).hasSize(1);
        assertThat(patients.get(0).getIdentifier())
                .extracting(i -> i.getSystem() + "|" + i.getValue())
                .containsExactly(NhsNumber.SYSTEM + "|9434765919", "https://pharmacy-c.example/Id/patient|P001");
        BundleEntryComponent patientEntry = entryOf(bundle, patients.get(0));
        assertThat(patientEntry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(patientEntry.getRequest().getIfNoneExist())
                .isEqualTo("identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number|9434765919");

        MedicationDispense paracetamol =
                resources(bundle, MedicationDispense.class).get(0);
        assertThat(paracetamol
                        .getMedicationCodeableConcept()
                        .getCodingFirstRep()
                        .getSystem())
                .isEqualTo("https://dmd.nhs.uk");
        assertThat(paracetamol
                        .getMedicationCodeableConcept()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("39720311000001101");
        assertThat(paracetamol.getMedicationCodeableConcept().getText())
                .isEqualTo("Paracetamol 500mg tablets; \"soluble\"");
        assertThat(paracetamol.getQuantity().getValue()).isEqualByComparingTo("32");
        assertThat(paracetamol.getQuantity().getUnit()).isEqualTo("tablet");
        assertThat(paracetamol.getDaysSupply().getCode()).isEqualTo("d");
        assertThat(paracetamol.getWhenHandedOverElement().getValueAsString()).isEqualTo("2026-11-03");
        assertThat(paracetamol
                        .getAuthorizingPrescriptionFirstRep()
                        .getIdentifier()
                        .getValue())
                .isEqualTo("RX-77");
        assertThat(paracetamol.getSubject().getReference()).isEqualTo(patientEntry.getFullUrl());
    }

    @Test
    void everyResourceCarriesThePartnerAndReceiptAsMetaSourceAndTheProvenanceNamesTheArchivedFile() throws Exception {
        Bundle bundle = map(TestPartners.UK_PHARMACY, UK_HEADER + "D-1;;;P1;39720311000001101\n", RECEIPT);

        assertThat(bundle.getEntry())
                .allSatisfy(e -> assertThat(e.getResource().getMeta().getSource())
                        .isEqualTo("urn:healthportal:partner:pharmacy-c:receipt:" + RECEIPT));
        Provenance provenance = resources(bundle, Provenance.class).get(0);
        assertThat(provenance.getIdElement().getIdPart()).isEqualTo("receipt-" + RECEIPT);
        assertThat(entryOf(bundle, provenance).getRequest().getUrl()).isEqualTo("Provenance/receipt-" + RECEIPT);
        assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getValue())
                .isEqualTo(RECEIPT.toString());
        assertThat(provenance.getAgentFirstRep().getWho().getIdentifier().getValue())
                .isEqualTo("pharmacy-c");
        assertThat(provenance.hasOccurred())
                .as("a file has no event time of its own: the receipt time orders it")
                .isFalse();
    }

    @Test
    void theSameFileMappedAgainUnderAnotherReceiptUpdatesTheSameResources() throws Exception {
        String text = Corpus.read(CORPUS_FILE);
        Bundle first = map(TestPartners.NDC_PHARMACY, text, RECEIPT);
        Bundle again = map(TestPartners.NDC_PHARMACY, text, UUID.fromString("00000000-0000-4000-8000-00000000c5f2"));

        assertThat(identities(again)).isEqualTo(identities(first));
        Bundle replayed = map(TestPartners.NDC_PHARMACY, text, RECEIPT);
        assertThat(replayed.equalsDeep(first)).isTrue();
    }

    @Test
    void anInvalidNhsNumberDeadLettersTheFileNamingRowAndColumnButNotTheNumber() {
        String text = UK_HEADER + "D-1;;9434765919;P1;39720311000001101\n" + "D-2;;9434765918;P2;39720311000001101\n";

        assertThatThrownBy(() -> map(TestPartners.UK_PHARMACY, text, RECEIPT))
                .isInstanceOfSatisfying(MappingException.class, e -> {
                    assertThat(e.code()).isEqualTo("INGEST-CSV-NHS-NUMBER-INVALID");
                    assertThat(e.reason())
                            .contains("row 2 (line 3)", "column NHS Number")
                            .doesNotContain("9434765918", "P2");
                });
    }

    @Test
    void aCorpusRowWithoutItsNdcCodeDeadLettersTheFile() {
        List<String> lines = Corpus.read(CORPUS_FILE).lines().toList();
        String[] row = lines.get(5).split(",", -1);
        row[7] = "";
        String text = String.join("\n", lines.subList(0, 5)) + "\n" + String.join(",", row) + "\n";

        assertThatThrownBy(() -> map(TestPartners.NDC_PHARMACY, text, RECEIPT))
                .isInstanceOfSatisfying(MappingException.class, e -> {
                    assertThat(e.code()).isEqualTo("INGEST-CSV-MISSING-VALUE");
                    assertThat(e.reason())
                            .isEqualTo("row 5 (line 6), column ndc_code (medication-code): blank, but required");
                });
    }

    @Test
    void badCellsAreCodedErrorsNamingTheirColumn() {
        assertError(UK_HEADER + "D-1;;;P1;39720311000001101;;many\n", "INGEST-CSV-BAD-NUMBER", "column Qty");
        assertError(
                UK_HEADER + "D-1;;;P1;39720311000001101;;;;;2026-11-03\n", "INGEST-CSV-BAD-DATE", "column Dispensed");
        assertError(UK_HEADER + ";;;P1;39720311000001101\n", "INGEST-CSV-MISSING-VALUE", "column Dispense ID");
        assertError(UK_HEADER + "D-1;;;;39720311000001101\n", "INGEST-CSV-NO-PATIENT-ID", "row 1 (line 2)");
        assertError(
                UK_HEADER + "D-1;;;P1;39720311000001101\nD-1;;;P2;39720311000001101\n",
                "INGEST-CSV-DUPLICATE-ID",
                "row 2 (line 3): the same dispense id as row 1");
        assertError(UK_HEADER + "D-1;;;P1;39720311000001101;;;;;;extra\n", "INGEST-CSV-ROW-SHAPE", "row 1");
    }

    @Test
    void aFileThatIsNotLaidOutAsConfiguredIsACodedError() {
        assertError("Dispense ID;NHS Number\nD-1;9434765919\n", "INGEST-CSV-MISSING-COLUMN", "column Rx ID");
        assertError(UK_HEADER, "INGEST-CSV-NO-ROWS", "no rows");
        assertError("", "INGEST-CSV-NO-HEADER", "header");
        assertError(UK_HEADER + "D-1;;;P1;39720311000001101;\"open\n", "INGEST-CSV-PARSE", "line 2");
        // Comma-separated while the partner is configured for semicolons: the header is one column.
        assertError(UK_HEADER.replace(';', ','), "INGEST-CSV-MISSING-COLUMN", "Dispense ID");
    }

    private void assertError(String text, String code, String reasonPart) {
        assertThatThrownBy(() -> map(TestPartners.UK_PHARMACY, text, RECEIPT))
                .isInstanceOfSatisfying(MappingException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.reason()).contains(reasonPart);
                });
    }

    private Bundle map(PartnerProperties partner, String text, UUID receipt) throws MappingException {
        return format.map(
                text.getBytes(StandardCharsets.UTF_8),
                new SourceMessage(partner, receipt, Instant.parse("2026-11-26T10:00:00Z")));
    }

    /** fullUrl and request of every entry but the receipt's Provenance. */
    private static List<String> identities(Bundle bundle) {
        return bundle.getEntry().stream()
                .filter(e -> !(e.getResource() instanceof Provenance))
                .map(e -> e.getFullUrl() + " " + e.getRequest().getMethod() + " "
                        + e.getRequest().getUrl() + " " + e.getRequest().getIfNoneExist())
                .toList();
    }

    private static BundleEntryComponent entryOf(Bundle bundle, Resource resource) {
        return bundle.getEntry().stream()
                .filter(e -> e.getResource() == resource)
                .findFirst()
                .orElseThrow();
    }

    private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }
}
