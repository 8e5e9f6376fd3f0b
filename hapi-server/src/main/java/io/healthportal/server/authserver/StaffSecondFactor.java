package io.healthportal.server.authserver;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code staff_totp} table: each staff account's TOTP secret (encrypted, {@link TotpSecretCipher})
 * and the last time step a code was accepted for. A code is accepted only for a step later than that
 * one, checked and recorded in one statement, so a code (or an older one) replayed within its window is
 * refused on every replica.
 */
public class StaffSecondFactor {

    private static final Logger log = LoggerFactory.getLogger(StaffSecondFactor.class);

    private final JdbcTemplate jdbc;
    private final TotpSecretCipher cipher;
    private final Clock clock;

    StaffSecondFactor(JdbcTemplate jdbc, TotpSecretCipher cipher, Clock clock) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** Encrypts secrets stored in plain text by an earlier version (base32), so that none is left. */
    public void encryptPlainSecrets() {
        List<String> plain = jdbc.queryForList(
                "SELECT username FROM staff_totp WHERE secret NOT LIKE ?", String.class, TotpSecretCipher.PREFIX + "%");
        for (String username : plain) {
            String secret =
                    jdbc.queryForObject("SELECT secret FROM staff_totp WHERE username = ?", String.class, username);
            jdbc.update(
                    "UPDATE staff_totp SET secret = ? WHERE username = ? AND secret = ?",
                    cipher.seal(username, Totp.fromBase32(secret)),
                    username,
                    secret);
        }
        if (!plain.isEmpty()) {
            log.info("Encrypted {} TOTP secret(s) stored by an earlier version", plain.size());
        }
    }

    boolean enrolled(String username) {
        return jdbc.queryForObject("SELECT count(*) FROM staff_totp WHERE username = ?", Integer.class, username) > 0;
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
                                cipher.seal(username, secret),
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
                cipher.seal(username, Totp.fromBase32(base32Secret)));
    }

    /**
     * Forgets a user's authenticator (lost phone): they enrol a new one at their next sign-in, after the
     * password. False when they had none.
     */
    boolean reset(String username) {
        return jdbc.update("DELETE FROM staff_totp WHERE username = ?", username) == 1;
    }

    private Optional<byte[]> secret(String username) {
        List<String> found =
                jdbc.queryForList("SELECT secret FROM staff_totp WHERE username = ?", String.class, username);
        try {
            return found.stream().findFirst().map(stored -> cipher.open(username, stored));
        } catch (IllegalStateException unopenable) {
            // Another account's secret copied here, or another key: no code can match, and the user must
            // not be offered a fresh enrolment either. An administrator resets it.
            log.error("The TOTP secret stored for staff user {} does not open: {}", username, unopenable.getMessage());
            return Optional.empty();
        }
    }
}
