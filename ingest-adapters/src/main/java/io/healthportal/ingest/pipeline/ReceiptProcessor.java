package io.healthportal.ingest.pipeline;

import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import io.healthportal.ingest.fhir.FhirWriteException;
import io.healthportal.ingest.fhir.FhirWriter;
import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.intake.Receipts.Receipt;
import io.healthportal.ingest.intake.Receipts.ReceiptStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns one accepted receipt into FHIR on hapi-server: decrypts the archived payload, maps it with its
 * partner's format and writes the transaction. Payloads that cannot be mapped, and writes hapi-server
 * refuses for good, are dead-lettered at once; transient write failures are retried with exponential
 * backoff in this thread until {@code portal.ingest.retry.give-up-after} (then the message goes back to
 * the queue) and dead-lettered once {@code dead-letter-after} has passed since the receipt arrived. The
 * write happens inside {@link EventOrder}: a message older than what is stored for one of its
 * identities is skipped, and messages for the same identity are written one at a time. Before each write
 * attempt {@link PatientResolver} points the message at the stored Patient (or creates an unverified
 * one), by the ownership rules; an identity it cannot settle is dead-lettered.
 */
@Component
public class ReceiptProcessor {

    private static final Logger log = LoggerFactory.getLogger(ReceiptProcessor.class);

    private final Receipts receipts;
    private final IngestProperties properties;
    private final Map<PayloadFormat, FormatMapper> mappers = new EnumMap<>(PayloadFormat.class);
    private final FhirWriter writer;
    private final EventOrder eventOrder;
    private final PatientResolver patients;
    private final MeterRegistry meters;
    private final CountDownLatch stopping = new CountDownLatch(1);

    ReceiptProcessor(
            Receipts receipts,
            IngestProperties properties,
            List<FormatMapper> mappers,
            FhirWriter writer,
            EventOrder eventOrder,
            PatientResolver patients,
            MeterRegistry meters) {
        this.eventOrder = eventOrder;
        this.patients = patients;
        this.meters = meters;
        this.receipts = receipts;
        this.properties = properties;
        mappers.forEach(m -> this.mappers.put(m.format(), m));
        this.writer = writer;
    }

    /**
     * On shutdown, a receipt waiting for hapi-server stops waiting and goes back to the queue (before the
     * listener container stops, so the requeue still reaches the broker).
     */
    @EventListener(ContextClosedEvent.class)
    void stopRetrying() {
        stopping.countDown();
    }

    /** What the consumer does with the message: acknowledge it, or return it to the queue. */
    public enum Outcome {
        FINISHED,
        RETRY_LATER
    }

    public Outcome process(UUID receiptId) {
        Optional<Receipt> found = receipts.find(receiptId);
        if (found.isEmpty()) {
            log.warn("INGEST-RECEIPT-UNKNOWN: queued receipt {} does not exist; dropped", receiptId);
            return Outcome.FINISHED;
        }
        Receipt receipt = found.get();
        if (receipt.status() != ReceiptStatus.ACCEPTED) {
            log.debug("Receipt {} is already {}; a repeated delivery", receiptId, receipt.status());
            return Outcome.FINISHED;
        }
        Optional<PartnerProperties> partner = properties.partner(receipt.partnerId());
        FormatMapper mapper = mappers.get(PayloadFormat.valueOf(receipt.format()));
        if (partner.isEmpty() || mapper == null) {
            return deadLetter(
                    receiptId,
                    "INGEST-PARTNER-UNCONFIGURED",
                    "partner " + receipt.partnerId() + " or its format " + receipt.format() + " is not configured");
        }
        Bundle bundle;
        try {
            bundle = mapper.map(
                    receipts.payload(receiptId), new SourceMessage(partner.get(), receiptId, receipt.receivedAt()));
        } catch (MappingException e) {
            return deadLetter(receiptId, e.code(), e.reason());
        }
        WriteResult[] result = {null};
        Optional<EventOrder.SkippedOlder> skipped = eventOrder.inOrder(receiptId, receipt.receivedAt(), bundle, () -> {
            result[0] = write(receipt, partner.get(), bundle);
            return result[0] == WriteResult.WRITTEN;
        });
        if (skipped.isPresent()) {
            EventOrder.SkippedOlder older = skipped.get();
            receipts.markSkippedOlder(receiptId);
            meters.counter("ingest.receipts.skipped.older").increment();
            log.warn(
                    "INGEST-SKIPPED-OLDER: receipt {} (event time {}) is older than the {} already written ({});"
                            + " not applied",
                    receiptId,
                    older.message(),
                    older.resourceType(),
                    older.stored());
            return Outcome.FINISHED;
        }
        return result[0] == WriteResult.RETRY_LATER ? Outcome.RETRY_LATER : Outcome.FINISHED;
    }

    private enum WriteResult {
        WRITTEN,
        DEAD_LETTERED,
        RETRY_LATER
    }

    private WriteResult write(Receipt receipt, PartnerProperties partner, Bundle bundle) {
        UUID receiptId = receipt.id();
        IngestProperties.Retry retry = properties.retry();
        Instant deadLetterAt = receipt.receivedAt().plus(retry.deadLetterAfter());
        Instant giveUpAt = Instant.now().plus(retry.giveUpAfter());
        Duration backoff = retry.initialBackoff();
        boolean metCreatedPatient = false;
        for (int attempt = 1; ; attempt++) {
            try {
                PatientResolver.Resolution resolution = patients.resolve(bundle, partner);
                Bundle response = writer.transaction(partner.id(), resolution.bundle());
                if (!metCreatedPatient && patients.metAPatientCreatedMeanwhile(resolution, response)) {
                    // Once: the lookup now finds that Patient, so the next write updates it.
                    metCreatedPatient = true;
                    log.info(
                            "INGEST-IDENTITY-RACE: receipt {} met a Patient another writer created meanwhile;"
                                    + " written again over it",
                            receiptId);
                    continue;
                }
                patients.recordWorkItems(resolution, response, partner.id(), receiptId);
                receipts.markWritten(receiptId);
                meters.counter("ingest.receipts.written").increment();
                log.info(
                        "Receipt {} written to hapi-server ({} entries, attempt {})",
                        receiptId,
                        resolution.bundle().getEntry().size(),
                        attempt);
                return WriteResult.WRITTEN;
            } catch (MappingException e) {
                deadLetter(receiptId, e.code(), e.reason());
                return WriteResult.DEAD_LETTERED;
            } catch (FhirWriteException e) {
                if (!e.retryable()) {
                    deadLetter(receiptId, e.deadLetterCode(), e.deadLetterReason());
                    return WriteResult.DEAD_LETTERED;
                }
                if (Instant.now().isAfter(deadLetterAt)) {
                    deadLetter(
                            receiptId,
                            "INGEST-FHIR-RETRIES-EXHAUSTED",
                            "hapi-server still answered " + e.status() + " " + retry.deadLetterAfter()
                                    + " after the receipt arrived");
                    return WriteResult.DEAD_LETTERED;
                }
                if (stopping.getCount() == 0 || Instant.now().plus(backoff).isAfter(giveUpAt)) {
                    log.warn(
                            "INGEST-FHIR-UNAVAILABLE: receipt {} not written after {} attempts; back to the queue",
                            receiptId,
                            attempt);
                    return WriteResult.RETRY_LATER;
                }
                meters.counter("ingest.fhir.write.retries").increment();
                log.warn(
                        "INGEST-FHIR-RETRY: receipt {} attempt {} failed ({}); retrying in {}",
                        receiptId,
                        attempt,
                        e.getMessage(),
                        backoff);
                try {
                    stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return WriteResult.RETRY_LATER;
                }
                backoff = backoff.multipliedBy(2);
                if (backoff.compareTo(retry.maxBackoff()) > 0) {
                    backoff = retry.maxBackoff();
                }
            }
        }
    }

    private Outcome deadLetter(UUID receiptId, String code, String reason) {
        receipts.deadLetter(receiptId, code, reason);
        meters.counter("ingest.receipts.dead.lettered", "code", code).increment();
        log.warn("{}: receipt {} dead-lettered: {}", code, receiptId, reason);
        return Outcome.FINISHED;
    }
}
