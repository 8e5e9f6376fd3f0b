package io.healthportal.server.authserver;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code external_identity} table: which portal account an external identity (issuer and subject)
 * signs in. Only administrators link identities; nothing links one by e-mail or name.
 */
public class ExternalIdentities {

    /** One link, as administrators see it. */
    public record Link(String providerId, String issuer, String subject, String username) {}

    private final JdbcTemplate jdbc;

    ExternalIdentities(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The account the identity is linked to, if any. */
    public Optional<String> username(String issuer, String subject) {
        return jdbc
                .queryForList(
                        "SELECT username FROM external_identity WHERE issuer = ? AND subject = ?",
                        String.class,
                        issuer,
                        subject)
                .stream()
                .findFirst();
    }

    /** Links an identity to an account; false when the identity is linked already (to any account). */
    public boolean link(String providerId, String issuer, String subject, String username, String linkedBy) {
        return jdbc.update("""
                INSERT INTO external_identity (issuer, subject, username, provider_id, linked_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (issuer, subject) DO NOTHING
                """, issuer, subject, username, providerId, linkedBy) == 1;
    }

    /** Removes a link of this account; false when there was none. */
    public boolean unlink(String issuer, String subject, String username) {
        return jdbc.update(
                        "DELETE FROM external_identity WHERE issuer = ? AND subject = ? AND username = ?",
                        issuer,
                        subject,
                        username)
                == 1;
    }

    /** The identities linked to an account. */
    public List<Link> of(String username) {
        return jdbc.query(
                "SELECT provider_id, issuer, subject, username FROM external_identity WHERE username = ?"
                        + " ORDER BY provider_id, subject",
                (rs, row) -> new Link(
                        rs.getString("provider_id"),
                        rs.getString("issuer"),
                        rs.getString("subject"),
                        rs.getString("username")),
                username);
    }
}
