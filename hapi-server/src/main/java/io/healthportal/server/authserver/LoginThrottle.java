package io.healthportal.server.authserver;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;

/**
 * Locks a username for {@code portal.auth.login-lock} after {@code portal.auth.login-max-failures}
 * wrong passwords or second-factor codes in a row. The count lives in the database, so replicas share it. Unknown usernames
 * are counted too, so that locking reveals nothing about which accounts exist.
 */
class LoginThrottle {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final int maxFailures;
    private final Duration lock;

    LoginThrottle(JdbcTemplate jdbc, Clock clock, int maxFailures, Duration lock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.lock = lock;
    }

    boolean locked(String username) {
        List<Timestamp> until = jdbc.queryForList(
                "SELECT locked_until FROM login_failure WHERE username = ? AND locked_until IS NOT NULL",
                Timestamp.class,
                username);
        return !until.isEmpty() && until.get(0).toInstant().isAfter(clock.instant());
    }

    @EventListener
    void onFailure(AuthenticationFailureBadCredentialsEvent event) {
        if (!(event.getAuthentication() instanceof UsernamePasswordAuthenticationToken)) {
            return; // client authentication at the token endpoint is not a person signing in
        }
        recordFailure(event.getAuthentication().getName());
    }

    /** A wrong password or, for staff, a wrong second-factor code. */
    void recordFailure(String username) {
        Instant now = clock.instant();
        Timestamp at = Timestamp.from(now);
        jdbc.update(
                "DELETE FROM login_failure WHERE last_failure_at < ?", Timestamp.from(now.minus(Duration.ofDays(1))));
        jdbc.update("""
                INSERT INTO login_failure (username, failures, last_failure_at) VALUES (?, 1, ?)
                ON CONFLICT (username) DO UPDATE SET failures = login_failure.failures + 1,
                    last_failure_at = EXCLUDED.last_failure_at
                """, username, at);
        jdbc.update(
                "UPDATE login_failure SET locked_until = ?, failures = 0 WHERE username = ? AND failures >= ?",
                Timestamp.from(now.plus(lock)),
                username,
                maxFailures);
    }

    /**
     * A right password resets the count, except for staff: theirs is reset only by a right code
     * ({@link #reset}), so that knowing the password does not buy unlimited guesses at the code.
     */
    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        if (event.getAuthentication() instanceof UsernamePasswordAuthenticationToken
                && !SecondFactorLogin.needsSecondFactor(event.getAuthentication())) {
            reset(event.getAuthentication().getName());
        }
    }

    void reset(String username) {
        jdbc.update("DELETE FROM login_failure WHERE username = ?", username);
    }
}
