package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.ExternalIdentities;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.FakeIdentityProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Sign-in with an external OpenID Connect identity provider (issue 3, item 9), end to end over HTTP
 * against {@link FakeIdentityProvider}: the login page's "Sign in with ..." link, the authorization code
 * flow with PKCE, state and nonce, the ID token checks, the link an administrator made between the
 * identity and an account, the staff TOTP step and when the provider's MFA replaces it, and the SMART
 * launch that resumes afterwards; every outcome audited.
 */
class ExternalIdentityProviderIT extends FhirServerTestBase {

    private static final String REDIRECT_URI = "http://127.0.0.1:7791/callback";
    private static final String PASSWORD = "external identity passphrase";
    private static final String LOGIN_SUBTYPE = "110122";

    private final ObjectMapper json = new ObjectMapper();
    private final FakeIdentityProvider provider = FakeIdentityProvider.instance();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    ExternalIdentities identities;

    @Autowired
    AuditTrail trail;

    private String appId;
    private String ownPatient;
    private String otherPatient;
    private String ownObservation;

    @BeforeEach
    void providerAppAndPatients() {
        provider.start();
        ownPatient = createPatient("Federated");
        otherPatient = createPatient("Someone-else");
        ownObservation = createObservation(ownPatient);
        appId = "idp-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                appId,
                "External sign-in app",
                REDIRECT_URI,
                Set.of("openid", "fhirUser", "launch/patient", "patient/Patient.rs", "patient/Observation.rs"));
    }

    @Test
    void aPatientLinkedByAnAdministratorSignsInWithTheProviderAndTheLaunchResumesToTheirOwnRecord() throws Exception {
        String username = newUser(PortalRole.PATIENT, "Patient/" + ownPatient);
        String subject = "patient-subject-" + UUID.randomUUID();
        HttpResponse<String> linked = adminPost(
                "/users/" + username + "/identities",
                json.writeValueAsString(Map.of("provider", FakeIdentityProvider.PATIENTS, "subject", subject)));
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(201);
        int exchangesBefore = provider.verifiedCodeExchanges();

        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());
        Map<String, String> authorization = browser.authorizationRequest(
                appId,
                REDIRECT_URI,
                "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs",
                "st-" + UUID.randomUUID(),
                fhirBase());
        assertThat(location(browser.authorize(authorization))).endsWith("/login");
        HttpResponse<String> loginPage = browser.open(base() + "/login");
        assertThat(loginPage.body())
                .contains("<a class=\"button\" href=\"/login/with/test-patients\">Sign in with Test patient ID</a>")
                .contains("href=\"/login/with/test-staff\"")
                .doesNotContain("<script");
        assertThat(loginPage.body().getBytes(StandardCharsets.UTF_8).length).isLessThan(100 * 1024);

        HttpResponse<String> resumed = signInWithProvider(browser, FakeIdentityProvider.PATIENTS, subject, "");
        assertThat(location(resumed)).contains("/oauth2/authorize?");
        assertThat(provider.verifiedCodeExchanges()).isEqualTo(exchangesBefore + 1);
        HttpResponse<String> toConsent = browser.follow(resumed);
        assertThat(location(toConsent)).contains("/oauth2/consent");
        HttpResponse<String> callback = browser.consent(
                browser.follow(toConsent),
                List.of("fhirUser", "launch/patient", "patient/Patient.rs", "patient/Observation.rs"));
        assertThat(location(callback)).startsWith(REDIRECT_URI + "?");
        assertThat(query(callback).get("state")).isEqualTo(authorization.get("state"));
        HttpResponse<String> tokenResponse =
                browser.exchange(appId, REDIRECT_URI, query(callback).get("code"), browser.verifier());
        assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
        JsonNode token = json.readTree(tokenResponse.body());
        assertThat(token.get("patient").asText()).isEqualTo(ownPatient);
        String accessToken = token.get("access_token").asText();

        assertThat(asBearer(accessToken, "/Patient/" + ownPatient).statusCode()).isEqualTo(200);
        assertThat(asBearer(accessToken, "/Observation/" + ownObservation).statusCode())
                .isEqualTo(200);
        assertThat(asBearer(accessToken, "/Patient/" + otherPatient).statusCode())
                .isEqualTo(403);

        trail.flush();
        assertThat(auditEvents(username, LOGIN_SUBTYPE)).anySatisfy(event -> {
            assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
            assertThat(event.getOutcomeDesc()).isEqualTo("signed in with identity provider test-patients");
            assertThat(event.getAgentFirstRep()
                            .getWho()
                            .getReferenceElement()
                            .toUnqualifiedVersionless()
                            .getValue())
                    .isEqualTo("Patient/" + ownPatient);
        });
    }

    @Test
    void administratorsListAndRemoveLinksAndCannotLinkAnIdentityTwiceOrToTheWrongKindOfAccount() throws Exception {
        String patient = newUser(PortalRole.PATIENT, "Patient/" + ownPatient);
        String clinician = newUser(PortalRole.PRACTITIONER, "Practitioner/idp-test");
        String subject = "subject-" + UUID.randomUUID();
        String link = json.writeValueAsString(Map.of("provider", FakeIdentityProvider.PATIENTS, "subject", subject));

        assertThat(adminPost("/users/" + patient + "/identities", link).statusCode())
                .isEqualTo(201);
        assertThat(adminPost("/users/" + patient + "/identities", link).statusCode())
                .as("the same identity again")
                .isEqualTo(409);
        assertThat(adminPost(
                                "/users/" + clinician + "/identities",
                                json.writeValueAsString(
                                        Map.of("provider", FakeIdentityProvider.PATIENTS, "subject", "x")))
                        .statusCode())
                .as("a patients' provider for a clinician")
                .isEqualTo(400);
        assertThat(adminPost(
                                "/users/" + patient + "/identities",
                                json.writeValueAsString(Map.of("provider", "not-configured", "subject", "x")))
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> listed = send(as(admin("/users/" + patient + "/identities")));
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode links = json.readTree(listed.body());
        assertThat(links).hasSize(1);
        assertThat(links.get(0).get("provider").asText()).isEqualTo(FakeIdentityProvider.PATIENTS);
        assertThat(links.get(0).get("issuer").asText()).isEqualTo(provider.issuer(FakeIdentityProvider.PATIENTS));
        assertThat(links.get(0).get("subject").asText()).isEqualTo(subject);

        String removal = "/users/" + patient + "/identities?provider=" + FakeIdentityProvider.PATIENTS + "&subject="
                + URLEncoder.encode(subject, StandardCharsets.UTF_8);
        assertThat(send(as(admin(removal).DELETE())).statusCode()).isEqualTo(204);
        assertThat(send(as(admin(removal).DELETE())).statusCode()).isEqualTo(404);
        assertThat(identities.of(patient)).isEmpty();

        trail.flush();
        assertThat(auditEvents(adminUsername, "admin-link-identity"))
                .extracting(event ->
                        event.getEntityFirstRep().getWhat().getIdentifier().getValue())
                .contains(patient, clinician);
        assertThat(auditEvents(adminUsername, "admin-unlink-identity")).hasSize(2);
    }

    @Test
    void aSignInWithAProviderThatIsNotConfiguredIsAPageThatSaysSoNotAServerError() {
        HttpResponse<String> unknown =
                send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login/with/no-such-provider")));

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body())
                .contains("There is no such way to sign in", "portal username and password")
                .doesNotContain("<script");
    }

    @Test
    void anUnlinkedIdentitySignsNoOneInAndIsAuditedAsAFailedLogin() {
        String subject = "unlinked-" + UUID.randomUUID();
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());

        HttpResponse<String> refused = signInWithProvider(browser, FakeIdentityProvider.PATIENTS, subject, "");

        HttpResponse<String> page = assertRefused(browser, refused, "unlinked");
        assertThat(page.body()).contains("Your Test patient ID account is not linked to an account");
        trail.flush();
        assertThat(auditEvents(FakeIdentityProvider.PATIENTS + ":" + subject, LOGIN_SUBTYPE))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
                    assertThat(event.getOutcomeDesc())
                            .isEqualTo("identity provider test-patients: no portal account is linked to this identity");
                });
    }

    @Test
    void aProviderSignsInOnlyTheKindOfAccountItIsForAndNoDisabledOne() throws Exception {
        String clinician = newUser(PortalRole.PRACTITIONER, "Practitioner/idp-test");
        String clinicianSubject = "staff-at-patients-idp-" + UUID.randomUUID();
        // Linked before the account became staff, say: the admin API would refuse this link now.
        identities.link(
                FakeIdentityProvider.PATIENTS,
                provider.issuer(FakeIdentityProvider.PATIENTS),
                clinicianSubject,
                clinician,
                "test");
        String patient = newUser(PortalRole.PATIENT, "Patient/" + ownPatient);
        String patientSubject = "patient-at-staff-idp-" + UUID.randomUUID();
        identities.link(
                FakeIdentityProvider.STAFF,
                provider.issuer(FakeIdentityProvider.STAFF),
                patientSubject,
                patient,
                "test");

        AuthorizationCodeFlow staffBrowser = new AuthorizationCodeFlow(base());
        assertRefused(
                staffBrowser,
                signInWithProvider(staffBrowser, FakeIdentityProvider.PATIENTS, clinicianSubject, ""),
                "wrong-account");
        AuthorizationCodeFlow patientBrowser = new AuthorizationCodeFlow(base());
        assertRefused(
                patientBrowser,
                signInWithProvider(patientBrowser, FakeIdentityProvider.STAFF, patientSubject, "&amr=mfa"),
                "wrong-account");

        String disabled = newUser(PortalRole.PATIENT, "Patient/" + ownPatient);
        String disabledSubject = "disabled-" + UUID.randomUUID();
        identities.link(
                FakeIdentityProvider.PATIENTS,
                provider.issuer(FakeIdentityProvider.PATIENTS),
                disabledSubject,
                disabled,
                "test");
        assertThat(adminPost("/users/" + disabled + "/disable", "").statusCode())
                .isEqualTo(204);
        AuthorizationCodeFlow disabledBrowser = new AuthorizationCodeFlow(base());
        assertRefused(
                disabledBrowser,
                signInWithProvider(disabledBrowser, FakeIdentityProvider.PATIENTS, disabledSubject, ""),
                "disabled");

        trail.flush();
        assertThat(auditEvents(clinician, LOGIN_SUBTYPE))
                .extracting(AuditEvent::getOutcome, AuditEvent::getOutcomeDesc)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        AuditEvent.AuditEventOutcome._4,
                        "identity provider test-patients: the provider may not sign in this kind of account"));
        assertThat(auditEvents(disabled, LOGIN_SUBTYPE))
                .extracting(AuditEvent::getOutcomeDesc)
                .containsExactly("identity provider test-patients: account disabled");
    }

    @Test
    void staffSigningInWithAProviderStillEnterTheirTotpCodeWhateverItsAmrSays() {
        String clinician = newUser(PortalRole.PRACTITIONER, "Practitioner/idp-test");
        String subject = "clinician-" + UUID.randomUUID();
        identities.link(
                FakeIdentityProvider.STAFF, provider.issuer(FakeIdentityProvider.STAFF), subject, clinician, "test");
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());

        HttpResponse<String> signedIn =
                signInWithProvider(browser, FakeIdentityProvider.STAFF, subject, "&amr=pwd,mfa");

        assertThat(location(signedIn)).endsWith("/login/code");
        assertThat(location(browser.open(base() + "/ehr-simulator")))
                .as("not signed in before the code")
                .endsWith("/login");
        HttpResponse<String> codePage = browser.open(base() + "/login/code");
        String key = totpKey(codePage);
        assertThat(location(browser.submitCode(codePage, AuthorizationCodeFlow.currentCode(key))))
                .doesNotContain("/login");
        assertThat(browser.open(base() + "/ehr-simulator").statusCode()).isEqualTo(200);
    }

    @Test
    void aProviderTrustedForMfaReplacesTheTotpCodeOnlyWhenItsAmrShowsMultiFactor() {
        String clinician = newUser(PortalRole.PRACTITIONER, "Practitioner/idp-test");
        String subject = "mfa-clinician-" + UUID.randomUUID();
        identities.link(
                FakeIdentityProvider.STAFF_TRUSTED_MFA,
                provider.issuer(FakeIdentityProvider.STAFF_TRUSTED_MFA),
                subject,
                clinician,
                "test");

        AuthorizationCodeFlow passwordOnly = new AuthorizationCodeFlow(base());
        assertThat(location(
                        signInWithProvider(passwordOnly, FakeIdentityProvider.STAFF_TRUSTED_MFA, subject, "&amr=pwd")))
                .endsWith("/login/code");
        assertThat(location(passwordOnly.open(base() + "/ehr-simulator"))).endsWith("/login");

        AuthorizationCodeFlow withOtp = new AuthorizationCodeFlow(base());
        HttpResponse<String> signedIn =
                signInWithProvider(withOtp, FakeIdentityProvider.STAFF_TRUSTED_MFA, subject, "&amr=pwd,otp");
        assertThat(location(signedIn)).doesNotContain("/login");
        assertThat(withOtp.open(base() + "/ehr-simulator").statusCode()).isEqualTo(200);

        trail.flush();
        assertThat(auditEvents(clinician, LOGIN_SUBTYPE))
                .extracting(AuditEvent::getOutcomeDesc)
                .containsExactlyInAnyOrder(
                        "signed in with identity provider test-staff-mfa",
                        "signed in with identity provider test-staff-mfa;"
                                + " its multi-factor authentication (amr) accepted in place of TOTP");
    }

    @Test
    void anIdTokenWithABadSignatureAWrongNonceOrPastItsExpirySignsNoOneIn() {
        String username = newUser(PortalRole.PATIENT, "Patient/" + ownPatient);
        String subject = "tampered-" + UUID.randomUUID();
        identities.link(
                FakeIdentityProvider.PATIENTS,
                provider.issuer(FakeIdentityProvider.PATIENTS),
                subject,
                username,
                "test");

        for (FakeIdentityProvider.Tamper tamper : FakeIdentityProvider.Tamper.values()) {
            AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());
            HttpResponse<String> refused =
                    signInWithProvider(browser, FakeIdentityProvider.PATIENTS, subject, "&tamper=" + tamper.name());
            HttpResponse<String> page = assertRefused(browser, refused, "failed");
            assertThat(page.body()).as(tamper.name()).contains("Test patient ID did not confirm who you are");
        }

        trail.flush();
        assertThat(auditEvents(username, LOGIN_SUBTYPE))
                .as("no sign-in of the linked account")
                .isEmpty();
        List<String> refusals = client()
                .search()
                .forResource(AuditEvent.class)
                .where(AuditEvent.AGENT_NAME.matchesExactly().value("unauthenticated"))
                .and(AuditEvent.SUBTYPE.exactly().code(LOGIN_SUBTYPE))
                .count(500)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> ((AuditEvent) entry.getResource()).getOutcomeDesc())
                .toList();
        assertThat(refusals)
                .contains(
                        "identity provider test-patients: the provider's answer was refused (invalid_id_token)",
                        "identity provider test-patients: the provider's answer was refused (invalid_nonce)");
    }

    /**
     * From the login page to the provider and back: the portal's authorization request carries state,
     * nonce and an S256 PKCE challenge; the provider signs in {@code subject}. Returns the portal's answer
     * to the provider's redirect.
     */
    private HttpResponse<String> signInWithProvider(
            AuthorizationCodeFlow browser, String providerId, String subject, String extra) {
        HttpResponse<String> toProvider = browser.open(base() + "/login/with/" + providerId);
        String authorizeUrl = location(toProvider);
        assertThat(authorizeUrl).startsWith(provider.issuer(providerId) + "/authorize?");
        Map<String, String> request = FakeIdentityProvider.query(authorizeUrl);
        assertThat(request)
                .containsEntry("response_type", "code")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", base() + "/login/callback/" + providerId)
                .containsKeys("state", "nonce", "code_challenge");
        HttpResponse<String> back =
                browser.open(authorizeUrl + "&login_as=" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + extra);
        assertThat(location(back)).startsWith(base() + "/login/callback/" + providerId + "?");
        return browser.follow(back);
    }

    /** The refusal's error page: accessible, no script, and the browser is signed in as no one. */
    private HttpResponse<String> assertRefused(
            AuthorizationCodeFlow browser, HttpResponse<String> refused, String reason) {
        assertThat(location(refused))
                .endsWith("/login/provider-error?provider=" + providerOf(refused) + "&reason=" + reason);
        HttpResponse<String> page = browser.follow(refused);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body())
                .contains("<h1>You could not sign in with ")
                .contains("<html lang=\"en-GB\"")
                .contains("href=\"/login\"")
                .doesNotContain("<script");
        assertThat(page.body().getBytes(StandardCharsets.UTF_8).length).isLessThan(100 * 1024);
        assertThat(location(browser.open(base() + "/ehr-simulator")))
                .as("signed in as no one")
                .endsWith("/login");
        return page;
    }

    private static String providerOf(HttpResponse<String> refused) {
        return query(refused).get("provider");
    }

    private String totpKey(HttpResponse<String> codePage) {
        var matcher = java.util.regex.Pattern.compile("id=\"totp-secret\">([A-Z2-7]+)<")
                .matcher(codePage.body());
        assertThat(matcher.find()).as(codePage.body()).isTrue();
        return matcher.group(1);
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private String newUser(PortalRole role, String fhirUser) {
        String username = "idp-" + role.claimValue() + "-" + UUID.randomUUID();
        users.save(username, PASSWORD, role, fhirUser, "Ida Provider");
        return username;
    }

    private String adminUsername;
    private String adminToken;

    /** An administrator's access token from the real sign-in (password and TOTP enrolment). */
    private String adminToken() throws Exception {
        if (adminToken == null) {
            adminUsername = newUser(PortalRole.ADMINISTRATOR, "Practitioner/idp-admin");
            registrations.registerPublicApp(
                    appId + "-admin", "Admin console", REDIRECT_URI, Set.of("openid", "fhirUser"));
            AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base());
            Map<String, String> authorization = browser.authorizationRequest(
                    appId + "-admin", REDIRECT_URI, "openid fhirUser", "st-" + UUID.randomUUID(), fhirBase());
            assertThat(location(browser.authorize(authorization))).endsWith("/login");
            HttpResponse<String> consentPage = browser.follow(browser.follow(browser.signIn(adminUsername, PASSWORD)));
            HttpResponse<String> callback = browser.consent(consentPage, List.of("fhirUser"));
            HttpResponse<String> token = browser.exchange(
                    appId + "-admin", REDIRECT_URI, query(callback).get("code"), browser.verifier());
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            adminToken = json.readTree(token.body()).get("access_token").asText();
        }
        return adminToken;
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(URI.create(base() + "/admin" + path)).header("Accept", "application/json");
    }

    private HttpRequest.Builder as(HttpRequest.Builder request) throws Exception {
        return request.header("Authorization", "Bearer " + adminToken());
    }

    private HttpResponse<String> adminPost(String path, String body) throws Exception {
        return send(as(admin(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> asBearer(String token, String path) {
        return send(request(path).setHeader("Authorization", "Bearer " + token));
    }

    private String createPatient(String family) {
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        return client().create().resource(patient).execute().getId().getIdPart();
    }

    private String createObservation(String patientId) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("External sign-in test");
        observation.setSubject(new Reference("Patient/" + patientId));
        return client().create().resource(observation).execute().getId().getIdPart();
    }
}
