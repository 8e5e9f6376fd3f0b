package io.healthportal.ingest.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.demo.LabResultMessages;
import io.healthportal.ingest.hl7v2.Hl7v2Format;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.TestPartners;
import java.time.Instant;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** What the parse+map benchmark measures is the real mapping of a complete lab report. */
class ParseMapBenchmarkInputTest {

    @Test
    void aGeneratedLabMessageBecomesOneReportWithSixValidObservations() throws Exception {
        LabResultMessages.Message message =
                new LabResultMessages(1, 5, "T", Instant.parse("2026-11-01T08:00:00Z")).next();
        Bundle bundle = new Hl7v2Format()
                .convert(message.text(), new SourceMessage(TestPartners.LAB, UUID.randomUUID(), Instant.now()))
                .bundle();

        assertThat(count(bundle, Patient.class)).isEqualTo(1);
        assertThat(count(bundle, DiagnosticReport.class)).isEqualTo(1);
        assertThat(count(bundle, Observation.class))
                .isEqualTo(message.observationCount())
                .isEqualTo(6);
        assertThat(count(bundle, Provenance.class)).isEqualTo(1);
        Patient patient = bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(Patient.class::isInstance)
                .map(Patient.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(patient.getIdentifier())
                .anySatisfy(id -> assertThat(id.getValue()).isEqualTo(message.nhsNumber()));
        assertThat(R4Validation.errors(bundle)).isEmpty();
    }

    private static long count(Bundle bundle, Class<? extends Resource> type) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .count();
    }
}
