package io.healthportal.ingest.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.LabReportPages;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.TestPartners;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class HtmlReportFormatTest {

    private static final UUID RECEIPT = UUID.fromString("00000000-0000-4000-8000-0000000047a1");

    private final HtmlReportFormat format = new HtmlReportFormat();

    @Test
    void mapsTheResultsTableToObservationsOfOneReportIdentifiedByItsAccession() throws Exception {
        Bundle bundle = map(LabReportPages.report("943 476 5919", "H123456", "ACC-1001", LabReportPages.RENAL_PANEL));

        DiagnosticReport report = single(bundle, DiagnosticReport.class);
        assertThat(report.getIdentifierFirstRep().getSystem()).isEqualTo("https://lab-portal.example/Id/accession");
        assertThat(report.getIdentifierFirstRep().getValue()).isEqualTo("ACC-1001");
        assertThat(report.getCode().getText()).isEqualTo("Urea and electrolytes");
        assertThat(report.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-10-26T01:30:00+00:00");
        assertThat(report.getResult()).hasSize(5);
        assertThat(entry(bundle, report).getRequest().getUrl())
                .isEqualTo("DiagnosticReport?identifier=https%3A%2F%2Flab-portal.example%2FId%2Faccession|ACC-1001");

        List<Observation> observations = resources(bundle, Observation.class);
        assertThat(observations)
                .extracting(o -> o.getCode().getText())
                .containsExactly("Sodium", "Potassium", "Creatinine", "eGFR", "Comment");
        Observation potassium = observations.get(1);
        assertThat(potassium.getIdentifierFirstRep().getValue()).isEqualTo("ACC-1001/2823-3");
        assertThat(potassium.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(potassium.getCode().getCodingFirstRep().getCode()).isEqualTo("2823-3");
        Quantity value = potassium.getValueQuantity();
        assertThat(value.getValue()).isEqualByComparingTo(new BigDecimal("5.9"));
        assertThat(value.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(value.getCode()).isEqualTo("mmol/L");
        assertThat(potassium.getReferenceRangeFirstRep().getLow().getValue()).isEqualByComparingTo("3.5");
        assertThat(potassium.getReferenceRangeFirstRep().getHigh().getValue()).isEqualByComparingTo("5.3");
        assertThat(potassium.getInterpretationFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("H");
        assertThat(observations
                        .get(2)
                        .getInterpretationFirstRep()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("L");
        Observation egfr = observations.get(3);
        assertThat(egfr.getValueQuantity().getComparator()).isEqualTo(Quantity.QuantityComparator.GREATER_THAN);
        assertThat(egfr.getValueQuantity().getCode()).isEqualTo("mL/min/{1.73_m2}");
        assertThat(egfr.getReferenceRangeFirstRep().getLow().getValue()).isEqualByComparingTo("60");
        assertThat(egfr.getReferenceRangeFirstRep().hasHigh()).isFalse();
        assertThat(observations.get(4).getValueStringType().getValue()).isEqualTo("Sample slightly haemolysed");
        assertThat(observations.get(4).hasInterpretation()).isFalse();

        Patient patient = single(bundle, Patient.class);
        assertThat(entry(bundle, patient).getRequest().getIfNoneExist())
                .isEqualTo("identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number|9434765919");
        assertThat(patient.getIdentifier()).extracting(i -> i.getValue()).containsExactly("9434765919", "H123456");
        assertThat(potassium.getSubject().getReference())
                .isEqualTo(entry(bundle, patient).getFullUrl());

        Provenance provenance = single(bundle, Provenance.class);
        assertThat(provenance.getOccurredDateTimeType().getValueAsString()).isEqualTo("2026-10-27T09:15:00+00:00");
        assertThat(provenance.getTarget()).hasSize(7);
        assertThat(report.getMeta().getSource()).isEqualTo("urn:healthportal:partner:lab-portal:receipt:" + RECEIPT);
    }

    @Test
    void everyResourceOfAReportPassesR4Validation() throws Exception {
        Bundle bundle = map(LabReportPages.report("943 476 5919", "H123456", "ACC-1001", LabReportPages.RENAL_PANEL));

        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    @Test
    void aPageWithoutAnNhsNumberMatchesThePatientOnThePartnersId() throws Exception {
        Bundle bundle = map(LabReportPages.report("", "H123456", "ACC-1002", LabReportPages.RENAL_PANEL));

        Patient patient = single(bundle, Patient.class);
        assertThat(entry(bundle, patient).getRequest().getIfNoneExist())
                .isEqualTo("identifier=https%3A%2F%2Flab-portal.example%2FId%2Fmrn|H123456");
    }

    @Test
    void aRenamedColumnIsALayoutChangeNotAMisreadReport() {
        String page = LabReportPages.changedLayout("943 476 5919", "H123456", "ACC-1003", LabReportPages.RENAL_PANEL);

        assertThatThrownBy(() -> map(page)).isInstanceOfSatisfying(MappingException.class, e -> {
            assertThat(e.code()).isEqualTo(HtmlReportFormat.LAYOUT_CHANGED);
            assertThat(e.reason()).startsWith("layout-changed:").contains("Result", "value");
        });
    }

    @Test
    void aPageWithoutTheResultsTableIsALayoutChange() {
        String page = LabReportPages.report("943 476 5919", "H123456", "ACC-1004", LabReportPages.RENAL_PANEL)
                .replace("class=\"results\"", "class=\"lab-results-v2\"");

        assertThatThrownBy(() -> map(page)).isInstanceOfSatisfying(MappingException.class, e -> {
            assertThat(e.code()).isEqualTo(HtmlReportFormat.LAYOUT_CHANGED);
            assertThat(e.reason()).contains("results table");
        });
    }

    @Test
    void anNhsNumberFailingItsCheckDigitIsRefusedWithoutQuotingIt() {
        String page = LabReportPages.report("943 476 5918", "H123456", "ACC-1005", LabReportPages.RENAL_PANEL);

        assertThatThrownBy(() -> map(page)).isInstanceOfSatisfying(MappingException.class, e -> {
            assertThat(e.code()).isEqualTo("INGEST-HTML-NHS-NUMBER-INVALID");
            assertThat(e.reason()).doesNotContain("943", "5918");
        });
    }

    @Test
    void aPageWithNeitherPatientIdIsRefused() {
        String page = LabReportPages.report("", "", "ACC-1006", LabReportPages.RENAL_PANEL);

        assertThatThrownBy(() -> map(page))
                .isInstanceOfSatisfying(
                        MappingException.class, e -> assertThat(e.code()).isEqualTo("INGEST-HTML-NO-PATIENT-ID"));
    }

    @Test
    void anUnreadableReportDateIsRefused() {
        String page = LabReportPages.report("943 476 5919", "H123456", "ACC-1007", LabReportPages.RENAL_PANEL)
                .replace("27/10/2026 09:15", "yesterday");

        assertThatThrownBy(() -> map(page)).isInstanceOfSatisfying(MappingException.class, e -> {
            assertThat(e.code()).isEqualTo("INGEST-HTML-BAD-DATE");
            assertThat(e.reason()).contains("reported");
        });
    }

    private Bundle map(String page) throws MappingException {
        return format.map(
                page.getBytes(StandardCharsets.UTF_8),
                new SourceMessage(TestPartners.HTML_LAB, RECEIPT, Instant.parse("2026-10-27T10:00:00Z")));
    }

    private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    private static <T extends Resource> T single(Bundle bundle, Class<T> type) {
        List<T> found = resources(bundle, type);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static Bundle.BundleEntryComponent entry(Bundle bundle, Resource resource) {
        return bundle.getEntry().stream()
                .filter(e -> e.getResource() == resource)
                .findFirst()
                .orElseThrow();
    }
}
