package io.healthportal.ingest.poller;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The {@code poller_state} table: each partner poller's position and its lease. A run holds the lease
 * for a while and renews it as it goes; a replica whose run stalls or dies loses it when it expires, and
 * every position write checks the lease is still its own, so two replicas never advance one position.
 */
@Component
public class PollerPositions {

    private final JdbcTemplate jdbc;
    private final Clock clock = Clock.systemUTC();

    PollerPositions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Where a run resumes: the page, and the last item on it already handed to intake (null: none). */
    public record Position(String page, String lastItem) {}

    /** Takes the partner's lease for {@code holder} unless another holder's lease is still running. */
    public boolean tryLease(String partnerId, String holder, Duration length) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update(
                "INSERT INTO poller_state (partner_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                partnerId,
                now);
        return jdbc.update(
                        "UPDATE poller_state SET lease_holder = ?, lease_until = ? WHERE partner_id = ?"
                                + " AND (lease_holder IS NULL OR lease_holder = ? OR lease_until < ?)",
                        holder,
                        Timestamp.from(clock.instant().plus(length)),
                        partnerId,
                        holder,
                        now)
                == 1;
    }

    /** Extends the lease; false when it is no longer this holder's (it expired and another took it). */
    public boolean renew(String partnerId, String holder, Duration length) {
        return jdbc.update(
                        "UPDATE poller_state SET lease_until = ? WHERE partner_id = ? AND lease_holder = ?",
                        Timestamp.from(clock.instant().plus(length)),
                        partnerId,
                        holder)
                == 1;
    }

    public void release(String partnerId, String holder, String error) {
        jdbc.update(
                "UPDATE poller_state SET lease_holder = NULL, lease_until = NULL, last_run_at = ?, last_error = ?"
                        + " WHERE partner_id = ? AND lease_holder = ?",
                Timestamp.from(clock.instant()),
                error,
                partnerId,
                holder);
    }

    public Optional<Position> position(String partnerId) {
        return jdbc
                .query(
                        "SELECT page, last_item FROM poller_state WHERE partner_id = ? AND page IS NOT NULL",
                        (rs, row) -> new Position(rs.getString("page"), rs.getString("last_item")),
                        partnerId)
                .stream()
                .findFirst();
    }

    /** Records progress; false (nothing written) when the lease is no longer this holder's. */
    public boolean advance(String partnerId, String holder, Position position) {
        return jdbc.update(
                        "UPDATE poller_state SET page = ?, last_item = ?, updated_at = ? WHERE partner_id = ?"
                                + " AND lease_holder = ?",
                        position.page(),
                        position.lastItem(),
                        Timestamp.from(clock.instant()),
                        partnerId,
                        holder)
                == 1;
    }

    /** The last failed run's code and reason, or empty after a clean run. */
    public Optional<String> lastError(String partnerId) {
        return jdbc
                .query(
                        "SELECT last_error FROM poller_state WHERE partner_id = ?",
                        (rs, row) -> Optional.ofNullable(rs.getString(1)),
                        partnerId)
                .stream()
                .findFirst()
                .flatMap(e -> e);
    }

    Instant now() {
        return clock.instant();
    }
}
