package io.healthportal.ingest.security;

import java.util.Optional;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The authenticated caller of an HTTP endpoint, from hapi-server's access token: a system (a Backend
 * Services client: the subject is its client id) or a person (the subject is their login name, and
 * the token carries their portal role).
 */
public record Caller(String subject, Optional<String> role) {

    /** The claim hapi-server puts a person's portal role in. */
    static final String ROLE_CLAIM = "portal_role";

    static final String ADMINISTRATOR = "administrator";

    public static Caller of(Jwt token) {
        return new Caller(token.getSubject(), Optional.ofNullable(token.getClaimAsString(ROLE_CLAIM)));
    }

    /** A Backend Services client, not a person logged in through an app. */
    public boolean isSystem() {
        return role.isEmpty();
    }

    public boolean isAdministrator() {
        return role.filter(ADMINISTRATOR::equals).isPresent();
    }
}
