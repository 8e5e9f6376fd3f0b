package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.authserver.StaffSecondFactor;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * TOTP (RFC 6238) for staff: after the password, the code; enrolment on first sign-in with a key shown
 * once; a code works once; wrong codes count towards the lock; patients are not asked.
 */
class SecondFactorIT extends FhirServerTestBase {

    private static final String PASSWORD = "second factor passphrase";

    @Autowired
    PortalUsers users;

    @Autowired
    StaffSecondFactor secondFactor;

    @Autowired
    AuditTrail trail;

    @Autowired
    JdbcTemplate jdbc;

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
    void theSecretIsStoredEncryptedForItsUserAndSecretsStoredInPlainByAnEarlierVersionAreEncryptedAtStart() {
        String username = newUser(PortalRole.PRACTITIONER);
        String key = enrol(username);
        String stored = jdbc.queryForObject("SELECT secret FROM staff_totp WHERE username = ?", String.class, username);
        assertThat(stored).startsWith("v1:").doesNotContain(key);

        // A row as version 5 of the schema held it: base32 in plain text.
        String legacy = newUser(PortalRole.RECEPTIONIST);
        String legacyKey = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        jdbc.update("INSERT INTO staff_totp (username, secret, last_used_step) VALUES (?, ?, -1)", legacy, legacyKey);
        secondFactor.encryptPlainSecrets();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM staff_totp WHERE secret NOT LIKE 'v1:%'", Integer.class))
                .isZero();
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());
        assertThat(location(browser.signIn(legacy, PASSWORD, legacyKey))).doesNotContain("/login");

        // A secret copied onto another account does not open there: its right code is refused, and no
        // new enrolment is offered instead.
        jdbc.update("UPDATE staff_totp SET secret = ? WHERE username = ?", stored, legacy);
        AuthorizationCodeFlow copied = new AuthorizationCodeFlow(base());
        assertThat(location(copied.passwordStep(legacy, PASSWORD))).endsWith("/login/code");
        HttpResponse<String> page = copied.open(base() + "/login/code");
        assertThat(page.body()).doesNotContain("totp-secret");
        assertThat(location(copied.submitCode(page, AuthorizationCodeFlow.currentCode(key))))
                .endsWith("/login/code?error");
    }

    @Test
    void everyCodeIsAuditedAcceptedOrNot() {
        String username = newUser(PortalRole.PRACTITIONER);
        String key = enrol(username);
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());
        assertThat(location(browser.passwordStep(username, PASSWORD))).endsWith("/login/code");
        browser.submitCode(
                browser.open(base() + "/login/code"),
                "000000".equals(AuthorizationCodeFlow.currentCode(key)) ? "111111" : "000000");
        trail.flush();

        List<AuditEvent> events = auditEvents(username, "second-factor");
        assertThat(events)
                .extracting(AuditEvent::getOutcome)
                .containsExactlyInAnyOrder(AuditEvent.AuditEventOutcome._0, AuditEvent.AuditEventOutcome._4);
        assertThat(events)
                .extracting(AuditEvent::getOutcomeDesc)
                .containsExactlyInAnyOrder(
                        "code accepted while enrolling an authenticator", "wrong, reused or expired code");
    }

    @Test
    void aPatientIsNotAskedForACode() {
        String username = newUser(PortalRole.PATIENT);

        assertThat(location(new AuthorizationCodeFlow(base()).passwordStep(username, PASSWORD)))
                .doesNotContain("/login");
    }
}
