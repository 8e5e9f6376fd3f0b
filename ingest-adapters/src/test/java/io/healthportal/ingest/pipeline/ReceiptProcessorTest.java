package io.healthportal.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.fhir.FhirWriteException;
import io.healthportal.ingest.fhir.FhirWriter;
import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.intake.Receipts.Receipt;
import io.healthportal.ingest.intake.Receipts.ReceiptStatus;
import io.healthportal.ingest.testing.TestPartners;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/** Retry, give-up and dead-letter decisions, with the receipts table, mapper and hapi-server replaced. */
class ReceiptProcessorTest {

    private final UUID id = UUID.randomUUID();
    private final Receipts receipts = mock(Receipts.class);
    private final FhirWriter writer = mock(FhirWriter.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EventOrder eventOrder = mock(EventOrder.class);
    private MappingException mappingFailure;

    private final FormatMapper mapper = new FormatMapper() {
        @Override
        public PayloadFormat format() {
            return PayloadFormat.HL7V2;
        }

        @Override
        public Bundle map(byte[] payload, SourceMessage source) throws MappingException {
            if (mappingFailure != null) {
                throw mappingFailure;
            }
            return new Bundle().setType(Bundle.BundleType.TRANSACTION);
        }
    };

    @Test
    void retriesTransientFailuresThenMarksTheReceiptWritten() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now());
        when(writer.transaction(any(), any()))
                .thenThrow(failure(503))
                .thenThrow(failure(0))
                .thenReturn(new Bundle());

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        verify(writer, times(3)).transaction(any(), any());
        verify(receipts).markWritten(id);
        assertThat(meters.counter("ingest.fhir.write.retries").count()).isEqualTo(2);
    }

    @Test
    void deadLettersAWriteHapiServerRefusesForGood() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now());
        when(writer.transaction(any(), any())).thenThrow(failure(422));

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        verify(receipts).deadLetter(eq(id), eq("INGEST-FHIR-REJECTED"), anyString());
        verify(receipts, never()).markWritten(any());
    }

    @Test
    void writesAsTheReceiptsPartnerAndDeadLettersThePartnerLimitsRefusalWithItsReason() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now());
        when(writer.transaction(any(), any()))
                .thenThrow(new FhirWriteException(
                        403,
                        false,
                        "INGEST-FHIR-FORBIDDEN: PORTAL-AUTH-403: only the Patient's demographics owner may change it",
                        null));

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        verify(writer).transaction(eq("lab-b"), any());
        verify(receipts)
                .deadLetter(
                        id,
                        "INGEST-FHIR-FORBIDDEN",
                        "INGEST-FHIR-FORBIDDEN: PORTAL-AUTH-403: only the Patient's demographics owner may change it");
        verify(receipts, never()).markWritten(any());
    }

    @Test
    void returnsTheMessageToTheQueueWhenHapiServerStaysUnavailable() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now());
        when(writer.transaction(any(), any())).thenThrow(failure(503));

        assertThat(processor(Duration.ofMillis(250)).process(id)).isEqualTo(ReceiptProcessor.Outcome.RETRY_LATER);
        verify(receipts, never()).deadLetter(any(), anyString(), anyString());
    }

    @Test
    void deadLettersAReceiptStillFailingLongAfterItArrived() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now().minus(Duration.ofHours(25)));
        when(writer.transaction(any(), any())).thenThrow(failure(412));

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        verify(receipts).deadLetter(eq(id), eq("INGEST-FHIR-RETRIES-EXHAUSTED"), anyString());
    }

    @Test
    void deadLettersWhatCannotBeMappedWithTheMappersCode() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now());
        mappingFailure = new MappingException("INGEST-HL7-NO-OBR", "ORU^R01 without an OBR segment");

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        verify(receipts).deadLetter(id, "INGEST-HL7-NO-OBR", "ORU^R01 without an OBR segment");
        verify(writer, never()).transaction(any(), any());
        assertThat(meters.counter("ingest.receipts.dead.lettered", "code", "INGEST-HL7-NO-OBR")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aRepeatedDeliveryOfAFinishedReceiptIsAcknowledgedWithoutWriting() {
        receipt(ReceiptStatus.WRITTEN, Instant.now());

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        verify(writer, never()).transaction(any(), any());
    }

    private void receipt(ReceiptStatus status, Instant receivedAt) {
        when(receipts.find(id))
                .thenReturn(Optional.of(new Receipt(id, "lab-b", "HL7V2", "mllp", "M1", receivedAt, status)));
        when(receipts.payload(id)).thenReturn(new byte[] {1});
    }

    private ReceiptProcessor processor(Duration giveUpAfter) {
        IngestProperties properties = TestPartners.properties(
                new IngestProperties.Retry(
                        Duration.ofMillis(10), Duration.ofMillis(50), giveUpAfter, Duration.ofHours(24)),
                List.of(TestPartners.LAB));
        // Event order is tested against the database (ReceiptPipelineIT); here it just runs the write.
        when(eventOrder.inOrder(any(), any(), any(), any())).thenAnswer(call -> {
            ((BooleanSupplier) call.getArgument(3)).getAsBoolean();
            return Optional.empty();
        });
        return new ReceiptProcessor(receipts, properties, List.of(mapper), writer, eventOrder, meters);
    }

    private static FhirWriteException failure(int status) {
        return new FhirWriteException(status, status == 0 || status >= 500 || status == 412, "test", null);
    }
}
