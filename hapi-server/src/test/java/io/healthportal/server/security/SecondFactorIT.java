package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * TOTP (RFC 6238) for staff: after the password, the code; enrolment on first sign-in with a key shown
 * once; a code works once; wrong codes count towards the lock; patients are not asked.
 */
class SecondFactorIT extends FhirServerTestBase {

    private static final String PASSWORD = "second factor passphrase";

    @Autowired
    PortalUsers users;

    private String base() {
        return "http://localhost:" + port;
    }

    private String newUser(PortalRole role) {
        String username = "totp-" + role.claimValue() + "-" + UUID.randomUUID();
        users.save(
                username,
                PASSWORD,
                role,
                role == PortalRole.PATIENT ? "Patient/totp-test" : "Practitioner/totp-test",
                "Tess Totp");
        return username;
    }

    /** Signs in with the password, enrols with the key the code page shows, and returns that key. */
    private String enrol(String username) {
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());
        assertThat(location(browser.passwordStep(username, PASSWORD))).endsWith("/login/code");
        HttpResponse<String> page = browser.open(base() + "/login/code");
        String key = key(page);
        assertThat(location(browser.submitCode(page, AuthorizationCodeFlow.currentCode(key))))
                .doesNotContain("error")
                .doesNotContain("/login");
        return key;
    }

    private static String key(HttpResponse<String> page) {
        Matcher matcher = Pattern.compile("id=\"totp-secret\">([A-Z2-7]+)<").matcher(page.body());
        assertThat(matcher.find()).as(page.body()).isTrue();
        return matcher.group(1);
    }

    @Test
    void aClinicianIsAskedForACodeAfterThePasswordAndIsNotSignedInWithoutIt() {
        String username = newUser(PortalRole.PRACTITIONER);
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());

        assertThat(location(browser.passwordStep(username, PASSWORD))).endsWith("/login/code");
        HttpResponse<String> page = browser.open(base() + "/login/code");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("autocomplete=\"one-time-code\"")
                .contains("<label for=\"code\">")
                .contains("otpauth://totp/Patient%20health%20portal:" + username + "?secret=" + key(page))
                .doesNotContain("<script");
        // The password alone signs no one in.
        assertThat(location(browser.open(base() + "/ehr-simulator"))).endsWith("/login");

        HttpResponse<String> done = browser.submitCode(page, AuthorizationCodeFlow.currentCode(key(page)));
        assertThat(location(done)).doesNotContain("/login");
        assertThat(browser.open(base() + "/ehr-simulator").statusCode()).isEqualTo(200);
    }

    @Test
    void anEnrolledUserIsShownNoKeyAgainAndAReplayedCodeIsRefused() {
        String username = newUser(PortalRole.ADMINISTRATOR);
        String key = enrol(username);
        // The code just used to enrol, at once again: within its window, but used.
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());
        assertThat(location(browser.passwordStep(username, PASSWORD))).endsWith("/login/code");
        HttpResponse<String> page = browser.open(base() + "/login/code");
        assertThat(page.body()).doesNotContain("totp-secret").doesNotContain("otpauth:");

        HttpResponse<String> replayed = browser.submitCode(page, AuthorizationCodeFlow.currentCode(key));

        assertThat(location(replayed)).endsWith("/login/code?error");
        HttpResponse<String> again = browser.follow(replayed);
        assertThat(again.body()).contains("role=\"alert\"").contains("aria-describedby=\"code-error\"");
    }

    @Test
    void wrongCodesCountTowardsTheLockLikeWrongPasswords() {
        String username = newUser(PortalRole.RECEPTIONIST);
        String key = enrol(username);
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());
        assertThat(location(browser.passwordStep(username, PASSWORD))).endsWith("/login/code");
        String right = AuthorizationCodeFlow.currentCode(key);
        String wrong = right.equals("000000") ? "111111" : "000000";
        HttpResponse<String> last = null;
        for (int i = 0; i < 5; i++) {
            last = browser.submitCode(browser.open(base() + "/login/code"), wrong);
        }

        assertThat(location(last)).as("locked: back to the password").endsWith("/login?error");
        AuthorizationCodeFlow later = new AuthorizationCodeFlow(base());
        assertThat(location(later.passwordStep(username, PASSWORD)))
                .as("locked")
                .endsWith("/login?error");
    }

    @Test
    void aPatientIsNotAskedForACode() {
        String username = newUser(PortalRole.PATIENT);

        assertThat(location(new AuthorizationCodeFlow(base()).passwordStep(username, PASSWORD)))
                .doesNotContain("/login");
    }
}
