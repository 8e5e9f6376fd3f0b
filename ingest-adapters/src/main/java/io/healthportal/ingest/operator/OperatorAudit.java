package io.healthportal.ingest.operator;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Appends one row per operator request about dead letters and patient work items, allowed or not; never
 * updates or deletes.
 */
@Repository
class OperatorAudit {

    enum Outcome {
        ALLOWED,
        DENIED,
        NOT_FOUND,
        CONFLICT,
        /** Allowed, but hapi-server did not carry it out. */
        FAILED
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    OperatorAudit(JdbcTemplate jdbc, Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    void record(String operator, String action, UUID receiptId, Outcome outcome) {
        record(operator, action, receiptId, null, outcome);
    }

    /** A request about a patient work item: the item, and the receipt that opened it when known. */
    void record(String operator, String action, UUID receiptId, Long workItemId, Outcome outcome) {
        jdbc.update(
                "INSERT INTO operator_audit (at, operator, action, receipt_id, work_item_id, outcome)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                Timestamp.from(clock.instant()),
                operator,
                action,
                receiptId,
                workItemId,
                outcome.name());
    }
}
