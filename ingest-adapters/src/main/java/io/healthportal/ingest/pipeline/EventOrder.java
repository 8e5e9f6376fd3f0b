package io.healthportal.ingest.pipeline;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Provenance;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies messages in source-event order per business identity. Every resource a bundle writes by a
 * conditional update (its {@code Type?identifier=...} URL is the identity) has a row holding the newest
 * event time written for it. While a message is written those rows are locked, in key order, so a second
 * message for the same identity waits; a message older than what is stored for any of its identities
 * is skipped as a whole and reported. The event time is the Provenance's {@code occurred} (EVN-2, else
 * MSH-7), else the receipt time.
 */
@Component
class EventOrder {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    EventOrder(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** A message not applied because newer data is stored for one of its identities. */
    record SkippedOlder(String resourceType, Instant stored, Instant message) {}

    /**
     * Runs {@code write} with the message's identities locked, unless one of them already holds newer
     * data; records the message's event time for them when {@code write} reports it applied the message.
     */
    Optional<SkippedOlder> inOrder(UUID receiptId, Instant receivedAt, Bundle bundle, BooleanSupplier write) {
        List<String> keys = keys(bundle);
        Instant eventTime = eventTime(bundle).orElse(receivedAt);
        return transactions.execute(status -> {
            for (String key : keys) {
                jdbc.update(
                        "INSERT INTO resource_event (resource_key, event_time, receipt_id) VALUES (?, '-infinity', ?)"
                                + " ON CONFLICT DO NOTHING",
                        key,
                        receiptId);
            }
            for (String key : keys) {
                Timestamp stored = jdbc.queryForObject(
                        "SELECT event_time FROM resource_event WHERE resource_key = ? FOR UPDATE",
                        Timestamp.class,
                        key);
                if (stored != null && stored.toInstant().isAfter(eventTime)) {
                    return Optional.of(
                            new SkippedOlder(key.substring(0, key.indexOf('?')), stored.toInstant(), eventTime));
                }
            }
            if (write.getAsBoolean()) {
                for (String key : keys) {
                    jdbc.update(
                            "UPDATE resource_event SET event_time = ?, receipt_id = ? WHERE resource_key = ?"
                                    + " AND event_time <= ?",
                            Timestamp.from(eventTime),
                            receiptId,
                            key,
                            Timestamp.from(eventTime));
                }
            }
            return Optional.<SkippedOlder>empty();
        });
    }

    /** The identities written by conditional update, sorted so that locks are always taken in one order. */
    static List<String> keys(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(BundleEntryComponent::getRequest)
                .filter(r -> r.getMethod() == Bundle.HTTPVerb.PUT
                        && r.getUrl() != null
                        && r.getUrl().contains("?"))
                .map(Bundle.BundleEntryRequestComponent::getUrl)
                .distinct()
                .sorted()
                .toList();
    }

    static Optional<Instant> eventTime(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .filter(Provenance.class::isInstance)
                .map(Provenance.class::cast)
                .filter(Provenance::hasOccurredDateTimeType)
                .map(p -> p.getOccurredDateTimeType().getValue().toInstant())
                .findFirst();
    }
}
