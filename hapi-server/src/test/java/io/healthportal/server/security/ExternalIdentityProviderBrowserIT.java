package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.ExternalIdentities;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.FakeIdentityProvider;
import io.healthportal.server.testing.HeadlessChromium;
import io.healthportal.server.testing.PortalPageCheck;
import io.healthportal.server.testing.RequiresChromium;
import io.healthportal.testing.FreePort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * "Sign in with ..." in a real headless Chromium: the link on the sign-in page (checked with axe-core,
 * no script, within the page budget), the provider's page, and back to the SMART launch, which ends
 * with a token for the patient's own record; an unlinked identity's error page is checked alike.
 */
@RequiresChromium
class ExternalIdentityProviderBrowserIT extends FhirServerTestBase {

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    ExternalIdentities identities;

    private HttpServer app;
    private String redirectUri;

    @BeforeEach
    void startProviderAndApp() throws IOException {
        FakeIdentityProvider.instance().start();
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePort.find()), 0);
        app.createContext("/callback", exchange -> {
            byte[] page =
                    "<!DOCTYPE html><html lang=\"en\"><title>Test app</title><h1>Test app received an answer</h1></html>"
                            .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        app.start();
        redirectUri = "http://127.0.0.1:" + app.getAddress().getPort() + "/callback";
    }

    @AfterEach
    void stopApp() {
        app.stop(0);
    }

    @Test
    void aPatientSignsInWithTheProvidersButtonAndTheAppGetsTheirOwnRecord() throws Exception {
        Patient patient = new Patient();
        patient.addName().setFamily("Provider-browser");
        String own = client().create().resource(patient).execute().getId().getIdPart();
        String username = "idp-browser-" + UUID.randomUUID();
        users.save(username, "idp browser passphrase", PortalRole.PATIENT, "Patient/" + own, "Bea Provider");
        String subject = "browser-subject-" + UUID.randomUUID();
        FakeIdentityProvider provider = FakeIdentityProvider.instance();
        identities.link(
                FakeIdentityProvider.PATIENTS,
                provider.issuer(FakeIdentityProvider.PATIENTS),
                subject,
                username,
                "test");
        String clientId = "idp-browser-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                clientId,
                "Records Viewer",
                redirectUri,
                Set.of("openid", "fhirUser", "launch/patient", "patient/Patient.rs"));
        AuthorizationCodeFlow pkce = new AuthorizationCodeFlow("http://localhost:" + port);
        String state = "s-" + UUID.randomUUID();
        Map<String, String> authorization = pkce.authorizationRequest(
                clientId, redirectUri, "openid fhirUser launch/patient patient/Patient.rs", state, fhirBase());

        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/oauth2/authorize?" + form(authorization));
            wait.until(ExpectedConditions.urlContains("/login"));
            PortalPageCheck.check(chromium, "external-idp-1-sign-in");

            browser.findElement(By.linkText("Sign in with Test patient ID")).click();
            wait.until(ExpectedConditions.urlContains(provider.issuer(FakeIdentityProvider.PATIENTS) + "/authorize"));
            browser.findElement(By.id("login_as")).sendKeys(subject);
            browser.findElement(By.xpath("//button[normalize-space()='Sign in']"))
                    .click();

            wait.until(ExpectedConditions.urlContains("/oauth2/consent"));
            assertThat(browser.findElement(By.tagName("main")).getText()).contains("Signed in as Bea Provider");
            browser.findElement(By.id("allow")).click();

            wait.until(ExpectedConditions.urlContains(redirectUri));
            Map<String, String> answer = query(browser.getCurrentUrl());
            assertThat(answer).containsEntry("state", state).containsKey("code");
            HttpResponse<String> tokenResponse =
                    pkce.exchange(clientId, redirectUri, answer.get("code"), pkce.verifier());
            assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
            JsonNode token = json.readTree(tokenResponse.body());
            assertThat(token.get("patient").asText()).isEqualTo(own);
            HttpResponse<String> ownRecord = send(anonymousRequest("/Patient/" + own)
                    .header(
                            "Authorization",
                            "Bearer " + token.get("access_token").asText()));
            assertThat(ownRecord.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anUnlinkedIdentityEndsOnAnAccessibleErrorPage() throws Exception {
        FakeIdentityProvider provider = FakeIdentityProvider.instance();
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/login");
            browser.findElement(By.linkText("Sign in with Test patient ID")).click();
            wait.until(ExpectedConditions.urlContains(provider.issuer(FakeIdentityProvider.PATIENTS) + "/authorize"));
            browser.findElement(By.id("login_as")).sendKeys("nobody-" + UUID.randomUUID());
            browser.findElement(By.xpath("//button[normalize-space()='Sign in']"))
                    .click();

            wait.until(ExpectedConditions.urlContains("/login/provider-error"));
            assertThat(browser.findElement(By.tagName("h1")).getText())
                    .isEqualTo("You could not sign in with Test patient ID");
            PortalPageCheck.check(chromium, "external-idp-2-unlinked");
            browser.findElement(By.linkText("Go to the sign-in page")).click();
            wait.until(ExpectedConditions.urlContains("/login"));
            assertThat(browser.findElement(By.id("username")).isDisplayed()).isTrue();
        }
    }

    private static Map<String, String> query(String url) {
        return FakeIdentityProvider.query(URI.create(url).toString());
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
