package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.HeadlessChromium;
import io.healthportal.server.testing.RequiresChromium;
import io.healthportal.testing.FreePort;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A patient launches a SMART app on their own in a real headless Chromium: the app sends them to sign
 * in, they untick one of the scopes the app asks for, and the app gets a token that reads their own
 * record and nothing else.
 */
@RequiresChromium
class StandalonePatientLaunchBrowserIT extends FhirServerTestBase {

    private static final String PASSWORD = "a long demo passphrase";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    private HttpServer app;
    private String redirectUri;

    /** The app's redirect target: a page saying the app got an answer, as a real app's would. */
    @BeforeEach
    void startApp() throws Exception {
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
    void aPatientSignsInGrantsLessThanAskedAndTheAppReadsOnlyTheirOwnRecord() throws Exception {
        String own = createPatient("Browser", "Beatrice");
        String other = createPatient("Elsewhere", "Edward");
        String ownObservation = createObservation(own);
        String username = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + own, "Beatrice Browser");
        String clientId = "browser-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                clientId,
                "Records Viewer",
                redirectUri,
                Set.of("openid", "fhirUser", "launch/patient", "patient/Patient.rs", "patient/Observation.rs"));
        AuthorizationCodeFlow pkce = new AuthorizationCodeFlow("http://localhost:" + port);
        String state = "s-" + UUID.randomUUID();
        Map<String, String> authorization = pkce.authorizationRequest(
                clientId,
                redirectUri,
                "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs",
                state,
                fhirBase());

        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/oauth2/authorize?" + form(authorization));

            // The sign-in page: a labelled form a person can fill in.
            wait.until(ExpectedConditions.urlContains("/login"));
            assertThat(browser.getTitle()).isEqualTo("Sign in – Patient health portal");
            assertThat(browser.findElement(By.tagName("h1")).getText())
                    .isEqualTo("Sign in to the patient health portal");
            assertThat(labelOf(browser, "username")).isEqualTo("Username");
            assertThat(labelOf(browser, "password")).isEqualTo("Password");
            chromium.screenshot("standalone-launch-1-sign-in");
            browser.findElement(By.id("username")).sendKeys(username);
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.xpath("//button[normalize-space()='Sign in']"))
                    .click();

            // The consent page: every scope a labelled checkbox, all ticked; the person unticks one.
            wait.until(ExpectedConditions.urlContains("/oauth2/consent"));
            assertThat(browser.findElement(By.tagName("h1")).getText())
                    .isEqualTo("Allow Records Viewer to use your record?");
            assertThat(browser.findElement(By.tagName("main")).getText()).contains("Signed in as Beatrice Browser");
            // The top-level boxes; a broad Observation scope also offers its categories, unticked, beneath it.
            List<WebElement> boxes = browser.findElements(
                    By.cssSelector("fieldset:not(.narrower) > .choice > input[type=checkbox][name=scope]"));
            assertThat(boxes)
                    .extracting(box -> box.getAttribute("value"))
                    .containsExactlyInAnyOrder(
                            "fhirUser", "launch/patient", "patient/Patient.rs", "patient/Observation.rs");
            assertThat(boxes).allMatch(WebElement::isSelected);
            WebElement observations = browser.findElement(By.cssSelector("input[value='patient/Observation.rs']"));
            assertThat(labelOf(browser, observations.getAttribute("id")))
                    .startsWith("Read and search your Observation records");
            observations.click();
            assertThat(observations.isSelected()).isFalse();
            chromium.screenshot("standalone-launch-2-consent-one-unticked");
            browser.findElement(By.id("allow")).click();

            // Back at the app with a code and the state it sent.
            wait.until(ExpectedConditions.urlContains(redirectUri));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Test app received an answer");
            Map<String, String> answer = query(browser.getCurrentUrl());
            assertThat(answer).containsEntry("state", state).containsKey("code");
            chromium.screenshot("standalone-launch-3-back-at-the-app");

            HttpResponse<String> tokenResponse =
                    pkce.exchange(clientId, redirectUri, answer.get("code"), pkce.verifier());
            assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
            JsonNode token = json.readTree(tokenResponse.body());
            assertThat(token.get("patient").asText()).isEqualTo(own);
            assertThat(Set.of(token.get("scope").asText().split(" ")))
                    .containsExactlyInAnyOrder("openid", "fhirUser", "launch/patient", "patient/Patient.rs");

            String accessToken = token.get("access_token").asText();
            HttpResponse<String> ownRecord = read(accessToken, "/Patient/" + own);
            assertThat(ownRecord.statusCode()).isEqualTo(200);
            assertThat(fhirContext
                            .newJsonParser()
                            .parseResource(Patient.class, ownRecord.body())
                            .getNameFirstRep()
                            .getFamily())
                    .isEqualTo("Browser");
            assertThat(read(accessToken, "/Patient/" + other).statusCode()).isEqualTo(403);
            assertThat(read(accessToken, "/Observation/" + ownObservation).statusCode())
                    .as("the unticked scope")
                    .isEqualTo(403);
        }
    }

    private static String labelOf(WebDriver browser, String inputId) {
        return browser.findElement(By.cssSelector("label[for='" + inputId + "']"))
                .getText();
    }

    private HttpResponse<String> read(String token, String path) {
        return send(anonymousRequest(path).header("Authorization", "Bearer " + token));
    }

    private String createPatient(String family, String given) {
        Patient patient = new Patient();
        patient.addName().setFamily(family).addGiven(given);
        return client().create().resource(patient).execute().getId().getIdPart();
    }

    private String createObservation(String patientId) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("browser-test");
        observation.setSubject(new Reference("Patient/" + patientId));
        return client().create().resource(observation).execute().getId().getIdPart();
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String url) {
        String query = URI.create(url).getRawQuery();
        return java.util.Arrays.stream(query.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        pair -> java.net.URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> java.net.URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }
}
