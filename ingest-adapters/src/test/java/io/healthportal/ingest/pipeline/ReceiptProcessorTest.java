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

import ca.uhn.fhir.context.FhirContext;
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
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Retry, give-up and dead-letter decisions, with the receipts table, mapper and hapi-server replaced. */
class ReceiptProcessorTest {

    private final UUID id = UUID.randomUUID();
    private final Receipts receipts = mock(Receipts.class);
    private final FhirWriter writer = mock(FhirWriter.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EventOrder eventOrder = mock(EventOrder.class);
    private final UnverifiedPatients unverified = mock(UnverifiedPatients.class);
    private MappingException mappingFailure;
    private Bundle mapped = new Bundle().setType(Bundle.BundleType.TRANSACTION);

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
            return mapped;
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
    void aPatientChangedByAnotherWriterMeanwhileIsReadAgainAndWrittenOverItsNewVersion() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now());
        FhirTransaction transaction = new FhirTransaction("urn:test", TestPartners.LAB.id());
        Identifier nhs =
                new Identifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9434765919");
        Identifier mrn = new Identifier()
                .setSystem(TestPartners.LAB.identifierSystems().mrn())
                .setValue("L1");
        transaction.conditionalCreate(new Patient().addIdentifier(nhs).addIdentifier(mrn), nhs);
        mapped = transaction.bundle();
        when(writer.patientsWithIdentifier(any(), eq(nhs.getSystem()), eq(nhs.getValue())))
                .thenReturn(List.of(stored("1", nhs)))
                .thenReturn(List.of(stored("2", nhs)));
        // hapi-server answers 412 when the version read is no longer the current one.
        when(writer.transaction(any(), any())).thenThrow(failure(412)).thenReturn(new Bundle());

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        ArgumentCaptor<Bundle> written = ArgumentCaptor.forClass(Bundle.class);
        verify(writer, times(2)).transaction(any(), written.capture());
        assertThat(written.getAllValues())
                .extracting(b -> b.getEntryFirstRep().getRequest().getIfMatch())
                .containsExactly("W/\"1\"", "W/\"2\"");
        assertThat(((Patient) written.getValue().getEntryFirstRep().getResource()).getIdentifier())
                .extracting(Identifier::getValue)
                .containsExactly("9434765919", "L1");
        verify(receipts).markWritten(id);
    }

    @Test
    void aPatientAnotherWriterCreatedBetweenTheLookupAndTheWriteGetsTheMessagesMrnOnASecondWrite() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now());
        FhirTransaction transaction = new FhirTransaction("urn:test", TestPartners.LAB.id());
        Identifier nhs =
                new Identifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9434765919");
        Identifier mrn = new Identifier()
                .setSystem(TestPartners.LAB.identifierSystems().mrn())
                .setValue("L1");
        transaction.conditionalCreate(new Patient().addIdentifier(nhs).addIdentifier(mrn), nhs);
        mapped = transaction.bundle();
        when(writer.patientsWithIdentifier(any(), eq(nhs.getSystem()), eq(nhs.getValue())))
                .thenReturn(List.of())
                .thenReturn(List.of(stored("1", nhs)));
        // The If-None-Exist matched the other writer's Patient: 200, not 201.
        Bundle matched = new Bundle();
        matched.addEntry().getResponse().setStatus("200 OK").setLocation("Patient/7/_history/1");
        when(writer.transaction(any(), any())).thenReturn(matched).thenReturn(new Bundle());

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        ArgumentCaptor<Bundle> written = ArgumentCaptor.forClass(Bundle.class);
        verify(writer, times(2)).transaction(any(), written.capture());
        assertThat(written.getValue().getEntryFirstRep().getRequest().getUrl()).isEqualTo("Patient/7");
        assertThat(((Patient) written.getValue().getEntryFirstRep().getResource()).getIdentifier())
                .extracting(Identifier::getValue)
                .containsExactly("9434765919", "L1");
        verify(unverified, never()).record(any(), any(), any(), any());
    }

    @Test
    void twoPatientsWithTheMessagesIdentifierAreDeadLetteredForAnOperatorNotMerged() {
        receipt(ReceiptStatus.ACCEPTED, Instant.now());
        FhirTransaction transaction = new FhirTransaction("urn:test", TestPartners.LAB.id());
        Identifier nhs =
                new Identifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9434765919");
        transaction.conditionalCreate(new Patient().addIdentifier(nhs), nhs);
        mapped = transaction.bundle();
        when(writer.patientsWithIdentifier(any(), eq(nhs.getSystem()), eq(nhs.getValue())))
                .thenReturn(List.of(stored("1", nhs), stored("4", nhs)));

        assertThat(processor(Duration.ofMinutes(1)).process(id)).isEqualTo(ReceiptProcessor.Outcome.FINISHED);
        verify(receipts).deadLetter(eq(id), eq("INGEST-IDENTITY-AMBIGUOUS"), anyString());
        verify(writer, never()).transaction(any(), any());
    }

    /** A Patient as hapi-server returns it: id, version and another partner's ownership. */
    private static Patient stored(String version, Identifier identifier) {
        Patient patient = new Patient().addIdentifier(identifier.copy());
        patient.setId("Patient/7/_history/" + version);
        patient.getMeta().setVersionId(version);
        patient.getMeta().addTag(PatientOwnership.OWNER_TAG_SYSTEM, "clinic-a", null);
        return patient;
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
        PatientResolver patients = new PatientResolver(writer, unverified, FhirContext.forR4Cached());
        return new ReceiptProcessor(receipts, properties, List.of(mapper), writer, eventOrder, patients, meters);
    }

    private static FhirWriteException failure(int status) {
        return new FhirWriteException(status, status == 0 || status >= 500 || status == 412, "test", null);
    }
}
