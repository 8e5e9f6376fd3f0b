package io.healthportal.ingest.operator;

import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.intake.Receipts.ReceiptAccepted;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Dead letters as an operator sees them, without the payload: which receipt, from whom, why. A replay
 * puts the receipt back on the outbox, so it goes through the same pipeline (and the same ordering
 * check on source event times) as on its first delivery; a discard closes it. Both keep the row.
 */
@Repository
class DeadLetters {

    private static final String COLUMNS = """
            SELECT r.id, r.partner_id, r.format, r.channel, r.message_id, r.received_at, r.status,
                   d.error_code, d.reason, d.created_at, d.resolution, d.resolved_by, d.resolved_at
            FROM dead_letter d JOIN receipt r ON r.id = d.receipt_id
            """;

    private final JdbcTemplate jdbc;
    private final Receipts receipts;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    DeadLetters(
            JdbcTemplate jdbc,
            Receipts receipts,
            TransactionTemplate transactions,
            ApplicationEventPublisher events,
            Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.receipts = receipts;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** One dead letter; {@code resolution} is null while it is open. */
    record DeadLetter(
            UUID receiptId,
            String partner,
            String format,
            String channel,
            String messageId,
            Instant receivedAt,
            String receiptStatus,
            String errorCode,
            String reason,
            Instant deadLetteredAt,
            String resolution,
            String resolvedBy,
            Instant resolvedAt) {}

    /** Newest first; only open ones unless {@code includeResolved}. */
    List<DeadLetter> list(boolean includeResolved, int limit) {
        return jdbc.query(
                COLUMNS + (includeResolved ? "" : " WHERE d.resolution IS NULL")
                        + " ORDER BY d.created_at DESC, d.id DESC LIMIT ?",
                DeadLetters::row,
                limit);
    }

    Optional<DeadLetter> find(UUID receiptId) {
        return jdbc.query(COLUMNS + " WHERE r.id = ?", DeadLetters::row, receiptId).stream()
                .findFirst();
    }

    /** Puts an open dead letter's receipt back on the outbox; false if it is not an open dead letter. */
    boolean replay(UUID receiptId, String operator) {
        Boolean replayed = transactions.execute(status -> {
            Timestamp now = Timestamp.from(clock.instant());
            if (!resolve(receiptId, "REPLAYED", operator, now)) {
                return false;
            }
            receipts.requeue(receiptId);
            return true;
        });
        if (Boolean.TRUE.equals(replayed)) {
            // After the commit: the relay publishes it now instead of at its next poll.
            events.publishEvent(new ReceiptAccepted(receiptId));
        }
        return Boolean.TRUE.equals(replayed);
    }

    /** Closes an open dead letter without processing it; false if it is not an open dead letter. */
    boolean discard(UUID receiptId, String operator) {
        return Boolean.TRUE.equals(transactions.execute(
                status -> resolve(receiptId, "DISCARDED", operator, Timestamp.from(clock.instant()))));
    }

    private boolean resolve(UUID receiptId, String resolution, String operator, Timestamp now) {
        return jdbc.update(
                        "UPDATE dead_letter SET resolution = ?, resolved_by = ?, resolved_at = ?"
                                + " WHERE receipt_id = ? AND resolution IS NULL",
                        resolution,
                        operator,
                        now,
                        receiptId)
                == 1;
    }

    private static DeadLetter row(ResultSet rs, int n) throws SQLException {
        return new DeadLetter(
                rs.getObject("id", UUID.class),
                rs.getString("partner_id"),
                rs.getString("format"),
                rs.getString("channel"),
                rs.getString("message_id"),
                instant(rs.getTimestamp("received_at")),
                rs.getString("status"),
                rs.getString("error_code"),
                rs.getString("reason"),
                instant(rs.getTimestamp("created_at")),
                rs.getString("resolution"),
                rs.getString("resolved_by"),
                instant(rs.getTimestamp("resolved_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
