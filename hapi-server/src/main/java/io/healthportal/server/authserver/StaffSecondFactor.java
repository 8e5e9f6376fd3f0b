package io.healthportal.server.authserver;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code staff_totp} table: each staff account's TOTP secret and the last time step a code was
 * accepted for. A code is accepted only for a step later than that one, checked and recorded in one
 * statement, so a code (or an older one) replayed within its window is refused on every replica.
 */
public class StaffSecondFactor {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    StaffSecondFactor(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    boolean enrolled(String username) {
        return secret(username).isPresent();
    }

    /** Whether {@code code} is the user's current code, used for the first time. */
    boolean verify(String username, String code) {
        Optional<byte[]> secret = secret(username);
        if (secret.isEmpty()) {
            return false;
        }
        OptionalLong step = Totp.matchingStep(secret.get(), code, clock.instant());
        return step.isPresent()
                && jdbc.update(
                                "UPDATE staff_totp SET last_used_step = ? WHERE username = ? AND last_used_step < ?",
                                step.getAsLong(),
                                username,
                                step.getAsLong())
                        == 1;
    }

    /**
     * Enrols a user with a secret they were shown, once they have proved it with a code from it; false
     * when the code does not match or the user is enrolled already.
     */
    boolean enrol(String username, byte[] secret, String code) {
        OptionalLong step = Totp.matchingStep(secret, code, clock.instant());
        return step.isPresent()
                && jdbc.update(
                                "INSERT INTO staff_totp (username, secret, last_used_step) VALUES (?, ?, ?)"
                                        + " ON CONFLICT (username) DO NOTHING",
                                username,
                                Totp.base32(secret),
                                step.getAsLong())
                        == 1;
    }

    /**
     * Sets a user's secret without a code: for the embedded default's demo staff only, whose secret is a
     * documented demo value. Keeps the last step used, so restarting does not open a replay.
     */
    public void enrolDemo(String username, String base32Secret) {
        jdbc.update(
                "INSERT INTO staff_totp (username, secret, last_used_step) VALUES (?, ?, -1)"
                        + " ON CONFLICT (username) DO UPDATE SET secret = EXCLUDED.secret",
                username,
                base32Secret);
    }

    private Optional<byte[]> secret(String username) {
        List<String> found =
                jdbc.queryForList("SELECT secret FROM staff_totp WHERE username = ?", String.class, username);
        return found.stream().findFirst().map(Totp::fromBase32);
    }
}
