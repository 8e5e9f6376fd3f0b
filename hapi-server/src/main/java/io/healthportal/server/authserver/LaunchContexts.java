package io.healthportal.server.authserver;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * EHR launch contexts: an EHR system creates one for the patient (and encounter) a clinician has open
 * and passes the opaque {@code launch} value to the app; the authorization request that carries it
 * resolves it, and the token issued for it uses it up. Values live five minutes and are stored only as
 * digests, in the database so that every replica sees them.
 */
public class LaunchContexts {

    static final Duration LIFETIME = Duration.ofMinutes(5);

    /** What an EHR puts in context; any part may be null. */
    public record LaunchContext(String patient, String encounter, String fhirUser, String intent) {}

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    LaunchContexts(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores {@code context} for {@code ehrClientId} and returns the new launch value. */
    public String create(String ehrClientId, LaunchContext context) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String launch = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        jdbc.update(
                "INSERT INTO smart_launch_context (launch_digest, created_by, patient, encounter, fhir_user, intent,"
                        + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                HashedTokenAuthorizationService.digest(launch),
                ehrClientId,
                context.patient(),
                context.encounter(),
                context.fhirUser(),
                context.intent(),
                Timestamp.from(clock.instant().plus(LIFETIME)));
        return launch;
    }

    /** The context of a launch value that exists, has not expired and has not been used. */
    Optional<LaunchContext> find(String launch) {
        List<LaunchContext> found = jdbc.query(
                "SELECT patient, encounter, fhir_user, intent FROM smart_launch_context"
                        + " WHERE launch_digest = ? AND used_at IS NULL AND expires_at > ?",
                (rs, row) -> new LaunchContext(
                        rs.getString("patient"),
                        rs.getString("encounter"),
                        rs.getString("fhir_user"),
                        rs.getString("intent")),
                HashedTokenAuthorizationService.digest(launch),
                Timestamp.from(clock.instant()));
        return found.stream().findFirst();
    }

    /** Uses a launch value up; empty when it was unknown, expired or already used. */
    Optional<LaunchContext> consume(String launch) {
        Optional<LaunchContext> context = find(launch);
        if (context.isEmpty()) {
            return Optional.empty();
        }
        int updated = jdbc.update(
                "UPDATE smart_launch_context SET used_at = ? WHERE launch_digest = ? AND used_at IS NULL",
                Timestamp.from(clock.instant()),
                HashedTokenAuthorizationService.digest(launch));
        return updated == 1 ? context : Optional.empty();
    }
}
