package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Five wrong passwords in a row lock a username for a while; a right one in time resets the count. */
class LoginThrottleIT extends FhirServerTestBase {

    private static final String PASSWORD = "the right passphrase";

    @Autowired
    PortalUsers users;

    private String username;

    @BeforeEach
    void user() {
        username = "throttled-" + UUID.randomUUID();
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/throttle-test", "Tom Throttle");
    }

    private String signIn(String password) {
        return location(new AuthorizationCodeFlow("http://localhost:" + port).signIn(username, password));
    }

    @Test
    void fiveWrongPasswordsLockTheUsernameEvenForTheRightOne() {
        for (int i = 0; i < 5; i++) {
            assertThat(signIn("wrong " + i)).endsWith("/login?error");
        }

        assertThat(signIn(PASSWORD)).as("locked").endsWith("/login?error");
    }

    @Test
    void theRightPasswordBeforeTheLimitResetsTheCount() {
        for (int i = 0; i < 4; i++) {
            assertThat(signIn("wrong " + i)).endsWith("/login?error");
        }
        assertThat(signIn(PASSWORD)).doesNotContain("error");

        for (int i = 0; i < 4; i++) {
            assertThat(signIn("wrong again " + i)).endsWith("/login?error");
        }
        assertThat(signIn(PASSWORD))
                .as("four more failures after a success do not lock")
                .doesNotContain("error");
    }
}
