package io.healthportal.server.authserver;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code jti} of every client assertion accepted, kept in the database until the assertion
 * expires, so a replay is refused whichever replica it reaches.
 */
class ClientAssertionReplays {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    ClientAssertionReplays(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records the assertion; false when this client has used the {@code jti} before. */
    boolean firstUse(String clientId, String jti, Instant expiresAt) {
        jdbc.update("DELETE FROM client_assertion_jti WHERE expires_at < ?", Timestamp.from(clock.instant()));
        return jdbc.update(
                        "INSERT INTO client_assertion_jti (client_id, jti, expires_at) VALUES (?, ?, ?)"
                                + " ON CONFLICT DO NOTHING",
                        clientId,
                        jti,
                        Timestamp.from(expiresAt))
                == 1;
    }
}
