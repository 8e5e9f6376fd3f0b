package io.healthportal.server.authserver;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The {@code portal_user} table: people who log in, their password hashes and their FHIR identity. */
public class PortalUsers implements UserDetailsService {

    private static final RowMapper<PortalUser> ROW = (rs, row) -> new PortalUser(
            rs.getString("username"),
            rs.getString("password_hash"),
            PortalRole.fromDatabase(rs.getString("role")),
            rs.getString("fhir_user"),
            rs.getString("display_name"),
            rs.getBoolean("enabled"));

    private final JdbcTemplate jdbc;
    private final PasswordEncoder passwordEncoder;
    private final LoginThrottle throttle;

    PortalUsers(JdbcTemplate jdbc, PasswordEncoder passwordEncoder, LoginThrottle throttle) {
        this.jdbc = jdbc;
        this.passwordEncoder = passwordEncoder;
        this.throttle = throttle;
    }

    public Optional<PortalUser> find(String username) {
        List<PortalUser> found = jdbc.query("SELECT * FROM portal_user WHERE username = ?", ROW, username);
        return found.stream().findFirst();
    }

    /** Every user, by username. */
    public List<PortalUser> all() {
        return jdbc.query("SELECT * FROM portal_user ORDER BY username", ROW);
    }

    /**
     * Creates a user unless the username is taken (false then); the password is stored only as its hash.
     */
    boolean create(String username, String rawPassword, PortalRole role, String fhirUser, String displayName) {
        return jdbc.update(
                        """
                INSERT INTO portal_user (username, password_hash, role, fhir_user, display_name) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (username) DO NOTHING
                """, username, passwordEncoder.encode(rawPassword), role.databaseValue(), fhirUser, displayName)
                == 1;
    }

    /**
     * Disables a user (false when there is none): they cannot sign in, and their tokens stop working on
     * {@code /fhir} within the revocation check interval.
     */
    boolean disable(String username) {
        return jdbc.update("UPDATE portal_user SET enabled = false WHERE username = ?", username) == 1;
    }

    /** Enables a disabled user again (false when there is none). */
    boolean enable(String username) {
        return jdbc.update("UPDATE portal_user SET enabled = true WHERE username = ?", username) == 1;
    }

    /**
     * Sets a new password (stored as its hash), lifts a sign-in lock and ends the user's grants: an
     * administrator resets a password when the old one may be known to someone else. False when there is
     * no such user.
     */
    boolean changePassword(String username, String rawPassword) {
        boolean changed = jdbc.update(
                        "UPDATE portal_user SET password_hash = ? WHERE username = ?",
                        passwordEncoder.encode(rawPassword),
                        username)
                == 1;
        if (changed) {
            throttle.reset(username);
            endGrants(username);
        }
        return changed;
    }

    /**
     * Gives a user another role and FHIR link and ends their grants, whose tokens carry the old role.
     * False when there is no such user.
     */
    boolean changeRole(String username, PortalRole role, String fhirUser) {
        boolean changed = jdbc.update(
                        "UPDATE portal_user SET role = ?, fhir_user = ? WHERE username = ?",
                        role.databaseValue(),
                        fhirUser,
                        username)
                == 1;
        if (changed) {
            endGrants(username);
        }
        return changed;
    }

    /**
     * Deletes the authorization server's record of every grant to this person: their access and refresh
     * tokens stop working (on {@code /fhir} within the revocation check interval), and apps must ask again.
     */
    private void endGrants(String username) {
        jdbc.update("DELETE FROM oauth2_authorization WHERE principal_name = ?", username);
    }

    /**
     * The login's view of a user: Spring's own {@link User}, since the authorization server stores the
     * logged-in principal with a serializer that accepts only Spring's types.
     */
    @Override
    public UserDetails loadUserByUsername(String username) {
        PortalUser user = find(username).orElseThrow(() -> new UsernameNotFoundException("No such user"));
        return User.withUsername(user.username())
                .password(user.passwordHash())
                .roles(user.role().name())
                .disabled(!user.enabled())
                .accountLocked(throttle.locked(username))
                .build();
    }

    /**
     * Creates a user, or replaces the password, role and FHIR link of an existing one; the password is
     * stored only as its hash.
     */
    public void save(String username, String rawPassword, PortalRole role, String fhirUser, String displayName) {
        if (!fhirUser.startsWith(role.fhirUserType() + "/")) {
            throw new IllegalArgumentException(
                    "A " + role + " user is linked to a " + role.fhirUserType() + ", not " + fhirUser);
        }
        jdbc.update("""
                INSERT INTO portal_user (username, password_hash, role, fhir_user, display_name) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
                    fhir_user = EXCLUDED.fhir_user, display_name = EXCLUDED.display_name, enabled = true
                """, username, passwordEncoder.encode(rawPassword), role.databaseValue(), fhirUser, displayName);
    }
}
