package io.healthportal.ingest.intake;

import io.healthportal.ingest.archive.PayloadCipher;
import io.healthportal.ingest.archive.PayloadCipher.Sealed;
import io.healthportal.ingest.pipeline.PatientKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The receipts table and everything written with it: the encrypted archive copy, the dedup key and the
 * pending outbox row. {@link #accept} writes all four in one transaction; once it returns, the payload
 * survives a crash and the partner may be acknowledged.
 */
@Component
public class Receipts {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final PayloadCipher cipher;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final MeterRegistry meters;
    private final PatientKeys patientKeys;

    Receipts(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            PayloadCipher cipher,
            ApplicationEventPublisher events,
            Optional<Clock> clock,
            MeterRegistry meters,
            PatientKeys patientKeys) {
        this.meters = meters;
        this.patientKeys = patientKeys;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.cipher = cipher;
        this.events = events;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Stores a payload durably, or finds the receipt of an earlier identical delivery (same partner,
     * message id and payload hash). A reused message id with different content is a new receipt. The
     * receipt records its patient key ({@link PatientKeys}), which the relay routes by.
     */
    public Accepted accept(String partnerId, String format, String channel, String messageId, byte[] payload) {
        byte[] hash = sha256(payload);
        String key = messageId == null ? "" : messageId;
        Optional<UUID> earlier = findDuplicate(partnerId, key, hash);
        if (earlier.isPresent()) {
            count(partnerId, channel, true);
            return new Accepted(earlier.get(), true);
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Sealed sealed = cipher.seal(payload, associatedData(id));
        String patientKey = patientKeys.of(partnerId, format, id, now, payload).orElse(null);
        Boolean inserted = transactions.execute(status -> {
            jdbc.update(
                    "INSERT INTO receipt (id, partner_id, format, channel, message_id, payload_sha256, payload_bytes,"
                            + " received_at, status, patient_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ACCEPTED', ?)",
                    id,
                    partnerId,
                    format,
                    channel,
                    key,
                    hash,
                    payload.length,
                    Timestamp.from(now),
                    patientKey);
            int keyed = jdbc.update(
                    "INSERT INTO dedup_key (partner_id, message_id, payload_sha256, receipt_id) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT DO NOTHING",
                    partnerId,
                    key,
                    hash,
                    id);
            if (keyed == 0) {
                // The same payload arrived concurrently and the other delivery committed first.
                status.setRollbackOnly();
                return false;
            }
            jdbc.update(
                    "INSERT INTO archive (receipt_id, key_id, nonce, ciphertext) VALUES (?, ?, ?, ?)",
                    id,
                    sealed.keyId(),
                    sealed.nonce(),
                    sealed.ciphertext());
            jdbc.update(
                    "INSERT INTO outbox (receipt_id, status, created_at) VALUES (?, 'PENDING', ?)",
                    id,
                    Timestamp.from(now));
            return true;
        });
        if (!Boolean.TRUE.equals(inserted)) {
            count(partnerId, channel, true);
            return new Accepted(
                    findDuplicate(partnerId, key, hash)
                            .orElseThrow(
                                    () -> new IllegalStateException("INGEST-DEDUP-RACE: no receipt after conflict")),
                    true);
        }
        count(partnerId, channel, false);
        events.publishEvent(new ReceiptAccepted(id));
        return new Accepted(id, false);
    }

    private void count(String partnerId, String channel, boolean duplicate) {
        meters.counter(
                        "ingest.receipts.accepted",
                        "partner",
                        partnerId,
                        "channel",
                        channel,
                        "duplicate",
                        Boolean.toString(duplicate))
                .increment();
    }

    private Optional<UUID> findDuplicate(String partnerId, String messageId, byte[] hash) {
        return jdbc
                .query(
                        "SELECT receipt_id FROM dedup_key WHERE partner_id = ? AND message_id = ? AND payload_sha256 = ?",
                        (rs, row) -> rs.getObject(1, UUID.class),
                        partnerId,
                        messageId,
                        hash)
                .stream()
                .findFirst();
    }

    /** The latest receipt of a partner's message id. */
    public Optional<UUID> find(String partnerId, String messageId) {
        return jdbc
                .query(
                        "SELECT id FROM receipt WHERE partner_id = ? AND message_id = ? ORDER BY received_at DESC LIMIT 1",
                        (rs, row) -> rs.getObject(1, UUID.class),
                        partnerId,
                        messageId)
                .stream()
                .findFirst();
    }

    public Optional<Receipt> find(UUID id) {
        List<Receipt> found = jdbc.query(
                "SELECT id, partner_id, format, channel, message_id, received_at, status FROM receipt WHERE id = ?",
                (rs, row) -> new Receipt(
                        rs.getObject("id", UUID.class),
                        rs.getString("partner_id"),
                        rs.getString("format"),
                        rs.getString("channel"),
                        rs.getString("message_id"),
                        rs.getTimestamp("received_at").toInstant(),
                        ReceiptStatus.valueOf(rs.getString("status"))),
                id);
        return found.stream().findFirst();
    }

    /** The archived payload, decrypted. */
    public byte[] payload(UUID id) {
        Sealed sealed = jdbc.queryForObject(
                "SELECT key_id, nonce, ciphertext FROM archive WHERE receipt_id = ?",
                (rs, row) -> new Sealed(rs.getString("key_id"), rs.getBytes("nonce"), rs.getBytes("ciphertext")),
                id);
        return cipher.open(sealed, associatedData(id));
    }

    public void markWritten(UUID id) {
        jdbc.update(
                "UPDATE receipt SET status = 'WRITTEN', finished_at = ? WHERE id = ? AND status = 'ACCEPTED'",
                Timestamp.from(clock.instant()),
                id);
    }

    /** The receipt was not applied: newer data from a later event is already stored. */
    public void markSkippedOlder(UUID id) {
        jdbc.update(
                "UPDATE receipt SET status = 'SKIPPED_OLDER', finished_at = ? WHERE id = ? AND status = 'ACCEPTED'",
                Timestamp.from(clock.instant()),
                id);
    }

    /**
     * Puts a dead-lettered receipt back on the outbox, to go through the pipeline again (an operator's
     * replay); call inside the transaction that resolves its dead letter.
     */
    public void requeue(UUID id) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update(
                "UPDATE receipt SET status = 'ACCEPTED', finished_at = NULL WHERE id = ? AND status = 'DEAD_LETTERED'",
                id);
        jdbc.update(
                "UPDATE outbox SET status = 'PENDING', created_at = ?, published_at = NULL WHERE receipt_id = ?",
                now,
                id);
    }

    /**
     * Records why a receipt cannot be processed; {@code reason} must not contain payload content. Control
     * characters are taken out of it (a parser's location can name a segment of binary garbage, and
     * PostgreSQL refuses a NUL in text), so that the dead letter is always stored.
     */
    public void deadLetter(UUID id, String errorCode, String reason) {
        String storable = reason.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        transactions.executeWithoutResult(status -> {
            Timestamp now = Timestamp.from(clock.instant());
            int updated = jdbc.update(
                    "UPDATE receipt SET status = 'DEAD_LETTERED', finished_at = ? WHERE id = ? AND status = 'ACCEPTED'",
                    now,
                    id);
            if (updated == 1) {
                // A replayed receipt that fails again reopens its dead letter with the new reason.
                jdbc.update("""
                        INSERT INTO dead_letter (receipt_id, error_code, reason, created_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (receipt_id) DO UPDATE SET error_code = excluded.error_code,
                            reason = excluded.reason, created_at = excluded.created_at,
                            resolution = NULL, resolved_by = NULL, resolved_at = NULL
                        """, id, errorCode, storable, now);
            }
        });
    }

    static byte[] sha256(byte[] payload) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] associatedData(UUID receiptId) {
        return receiptId.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The outcome of {@link #accept}: the receipt id, and whether an earlier delivery already had it. */
    public record Accepted(UUID receiptId, boolean duplicate) {}

    /** Published after the accepting transaction committed, so the relay can publish without waiting. */
    public record ReceiptAccepted(UUID receiptId) {}

    public record Receipt(
            UUID id,
            String partnerId,
            String format,
            String channel,
            String messageId,
            Instant receivedAt,
            ReceiptStatus status) {}

    public enum ReceiptStatus {
        ACCEPTED,
        WRITTEN,
        SKIPPED_OLDER,
        DEAD_LETTERED
    }
}
