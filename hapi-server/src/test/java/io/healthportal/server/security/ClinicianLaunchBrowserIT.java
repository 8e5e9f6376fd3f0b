package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.AxeCheck;
import io.healthportal.server.testing.HeadlessChromium;
import io.healthportal.server.testing.PortalPageCheck;
import io.healthportal.server.testing.RequiresChromium;
import io.healthportal.testing.FreePort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 3's browser flows for clinicians and for granting fewer scopes, in a real headless Chromium: an
 * EHR launch through the EHR simulator, a clinician's standalone launch through the patient picker, and
 * a patient sharing only laboratory results. On the way every portal page it shows (sign-in, consent,
 * patient picker, EHR simulator, error) is checked with axe-core (no serious or critical WCAG 2.2 AA
 * violation), weighed (at most 100 KB with its style sheet) and checked for scripts (none: the pages
 * work without JavaScript, as the HTTP-level tests of the same flows show).
 */
@RequiresChromium
class ClinicianLaunchBrowserIT extends FhirServerTestBase {

    private static final String PASSWORD = "clinician browser passphrase";
    private static final String EHR_SCOPE = "launch openid fhirUser patient/Patient.rs patient/Encounter.rs";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    private HttpServer app;
    private String appBase;
    private String clientId;
    private AuthorizationCodeFlow pkce;
    private String family;
    private String nhsNumber;
    private String patient;
    private String encounter;
    private String clinician;

    /**
     * A SMART app: its launch URL answers an EHR launch by sending the browser to authorize with the
     * {@code launch} it got; its redirect target says it got an answer.
     */
    @BeforeEach
    void appPatientAndClinician() throws Exception {
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePort.find()), 0);
        appBase = "http://127.0.0.1:" + app.getAddress().getPort();
        clientId = "browser-ehr-app-" + UUID.randomUUID();
        pkce = new AuthorizationCodeFlow("http://localhost:" + port);
        app.createContext("/launch", exchange -> {
            Map<String, String> launch = query(exchange.getRequestURI().toString());
            Map<String, String> authorization = pkce.authorizationRequest(
                    clientId, appBase + "/callback", EHR_SCOPE, "ehr-state", launch.get("iss"));
            authorization.put("launch", launch.get("launch"));
            exchange.getResponseHeaders()
                    .add("Location", "http://localhost:" + port + "/oauth2/authorize?" + form(authorization));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        app.createContext("/callback", ClinicianLaunchBrowserIT::answered);
        app.start();
        registrations.registerPublicApp(
                clientId,
                "Ward Round " + clientId.substring(clientId.length() - 6),
                appBase + "/callback",
                appBase + "/launch",
                Set.of(
                        "launch",
                        "launch/patient",
                        "openid",
                        "fhirUser",
                        "patient/Patient.rs",
                        "patient/Encounter.rs",
                        "patient/Observation.rs"));

        family = "Browserpatient" + UUID.randomUUID().toString().substring(0, 6).replaceAll("[0-9-]", "x");
        nhsNumber = "999" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
        Patient chosen = new Patient();
        chosen.addName().setFamily(family).addGiven("Bea");
        chosen.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue(nhsNumber);
        patient = create(chosen);
        String practitioner = create(new Practitioner().addName(new HumanName().setFamily("Browser")));
        Encounter visit = new Encounter();
        visit.setStatus(Encounter.EncounterStatus.FINISHED);
        visit.getClass_().setCode("AMB");
        visit.addType().setText("Diabetes review");
        visit.getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2026-09-14T10:00:00Z"));
        visit.setSubject(new Reference("Patient/" + patient));
        // The clinician's own patient: the simulator lists only those.
        visit.addParticipant().setIndividual(new Reference("Practitioner/" + practitioner));
        encounter = create(visit);
        clinician = "browser-clinician-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(clinician, PASSWORD, PortalRole.PRACTITIONER, "Practitioner/" + practitioner, "Dr Browser");
    }

    @AfterEach
    void stopApp() {
        app.stop(0);
    }

    @Test
    void aClinicianLaunchesAnAppFromTheEhrSimulatorForTheChosenPatientAndEncounter() throws Exception {
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/ehr-simulator");

            wait.until(ExpectedConditions.urlContains("/login"));
            PortalPageCheck.check(chromium, "ehr-1-sign-in");
            signIn(browser, clinician);

            wait.until(ExpectedConditions.urlContains("/ehr-simulator"));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("EHR simulator");
            browser.findElement(By.id("q")).sendKeys(family);
            browser.findElement(By.xpath("//button[normalize-space()='Search']"))
                    .click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("patient-" + patient)));
            PortalPageCheck.check(chromium, "ehr-2-search-results");
            browser.findElement(By.id("patient-" + patient)).click();

            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("encounter-" + encounter)));
            assertThat(browser.findElement(By.id("launch-heading")).getText())
                    .isEqualTo("2. Launch an app for Bea " + family);
            browser.findElement(By.cssSelector("label[for='encounter-" + encounter + "']"))
                    .click();
            browser.findElement(By.id("app-" + clientId)).click();
            PortalPageCheck.check(chromium, "ehr-3-patient-encounter-and-app-chosen");
            browser.findElement(By.id("launch")).click();

            // The app sent the browser on to authorize with the launch; the clinician consents.
            wait.until(ExpectedConditions.urlContains("/oauth2/consent"));
            PortalPageCheck.check(chromium, "ehr-4-consent");
            browser.findElement(By.id("allow")).click();

            wait.until(ExpectedConditions.urlContains(appBase + "/callback"));
            Map<String, String> answer = query(browser.getCurrentUrl());
            assertThat(answer).containsEntry("state", "ehr-state");
            JsonNode token = exchange(answer.get("code"));
            assertThat(token.get("patient").asText()).isEqualTo(patient);
            assertThat(token.get("encounter").asText()).isEqualTo(encounter);
            assertThat(status(token, "/Patient/" + patient)).isEqualTo(200);
            assertThat(status(token, "/Encounter/" + encounter)).isEqualTo(200);
        }
    }

    @Test
    void aClinicianAskingForLaunchPatientOnTheirOwnChoosesThePatientOnThePicker() throws Exception {
        Map<String, String> authorization = pkce.authorizationRequest(
                clientId,
                appBase + "/callback",
                "openid fhirUser launch/patient patient/Patient.rs",
                "picker-state",
                fhirBase());
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/oauth2/authorize?" + form(authorization));
            wait.until(ExpectedConditions.urlContains("/login"));
            signIn(browser, clinician);
            wait.until(ExpectedConditions.urlContains("/oauth2/consent"));
            browser.findElement(By.id("allow")).click();

            wait.until(ExpectedConditions.urlContains("/patient-picker"));
            assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Choose a patient for Ward Round");
            PortalPageCheck.check(chromium, "picker-1-search");
            browser.findElement(By.id("q"))
                    .sendKeys(
                            nhsNumber.substring(0, 3) + " " + nhsNumber.substring(3, 6) + " " + nhsNumber.substring(6));
            browser.findElement(By.xpath("//button[normalize-space()='Search']"))
                    .click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("patient-" + patient)));
            PortalPageCheck.check(chromium, "picker-2-results");
            browser.findElement(By.id("patient-" + patient)).click();
            browser.findElement(By.id("choose")).click();

            wait.until(ExpectedConditions.urlContains(appBase + "/callback"));
            Map<String, String> answer = query(browser.getCurrentUrl());
            assertThat(answer).containsEntry("state", "picker-state");
            JsonNode token = exchange(answer.get("code"));
            assertThat(token.get("patient").asText()).isEqualTo(patient);
            assertThat(status(token, "/Patient/" + patient)).isEqualTo(200);
        }
    }

    @Test
    void aPatientSharesOnlyLaboratoryResultsAndTheAppReadsThoseOnly() throws Exception {
        String lab = create(GranularScopesIT.observation(patient, "laboratory"));
        String vitals = create(GranularScopesIT.observation(patient, "vital-signs"));
        String username = "browser-lab-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + patient, "Bea " + family);
        Map<String, String> authorization = pkce.authorizationRequest(
                clientId,
                appBase + "/callback",
                "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs",
                "lab-state",
                fhirBase());
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/oauth2/authorize?" + form(authorization));
            wait.until(ExpectedConditions.urlContains("/login"));
            signIn(browser, username);
            wait.until(ExpectedConditions.urlContains("/oauth2/consent"));
            PortalPageCheck.check(chromium, "granular-1-consent-as-offered");

            browser.findElement(By.cssSelector("input[value='patient/Observation.rs']"))
                    .click();
            browser.findElement(By.cssSelector("input[value='" + GranularScopesIT.LAB_SCOPE + "']"))
                    .click();
            browser.findElement(By.cssSelector("input[value='patient/Patient.rs']"))
                    .click();
            chromium.screenshot("granular-2-laboratory-only-ticked");
            browser.findElement(By.id("allow")).click();

            wait.until(ExpectedConditions.urlContains(appBase + "/callback"));
            JsonNode token = exchange(query(browser.getCurrentUrl()).get("code"));
            assertThat(Set.of(token.get("scope").asText().split(" ")))
                    .containsExactlyInAnyOrder("openid", "fhirUser", "launch/patient", GranularScopesIT.LAB_SCOPE);
            assertThat(status(token, "/Observation/" + lab)).isEqualTo(200);
            assertThat(status(token, "/Observation/" + vitals)).isEqualTo(404);
            // Patient.rs unticked: no Patient search. Reading their own Patient by id stays open through
            // fhirUser ("information about the current logged-in user"), which they kept.
            assertThat(status(token, "/Patient?_id=" + patient)).as("unticked").isEqualTo(403);
            assertThat(status(token, "/Patient/" + patient))
                    .as("their fhirUser")
                    .isEqualTo(200);
        }
    }

    @Test
    void aWrongPasswordAndAPatientOpeningTheEhrSimulatorGetAccessiblePages() throws Exception {
        String username =
                "browser-not-clinician-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + patient, "Bea " + family);
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/ehr-simulator");
            wait.until(ExpectedConditions.urlContains("/login"));
            browser.findElement(By.id("username")).sendKeys(username);
            browser.findElement(By.id("password")).sendKeys("not the password");
            browser.findElement(By.xpath("//button[normalize-space()='Sign in']"))
                    .click();
            wait.until(ExpectedConditions.urlContains("/login?error"));
            assertThat(browser.findElement(By.id("username")).getAttribute("aria-describedby"))
                    .isEqualTo("login-error");
            PortalPageCheck.check(chromium, "error-1-sign-in-failed");

            signIn(browser, username);
            wait.until(ExpectedConditions.urlContains("/ehr-simulator"));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Only clinicians can use this page");
            PortalPageCheck.check(chromium, "error-2-not-a-clinician");

            browser.get("http://localhost:" + port + "/no-such-page");
            PortalPageCheck.check(chromium, "error-3-not-found");
        }
    }

    @Test
    void theAxeCheckFindsWhatAPageBreaks() throws Exception {
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            browser.get("data:text/html,<!DOCTYPE html><html><title>Broken</title><body><main>"
                    + "<input type=text><img src=x.png></main></body></html>");

            assertThat(AxeCheck.violations(browser))
                    .filteredOn(AxeCheck.Violation::seriousOrCritical)
                    .extracting(AxeCheck.Violation::id)
                    .contains("label", "image-alt", "html-has-lang");
        }
    }

    private static void signIn(WebDriver browser, String username) {
        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        String before = browser.getCurrentUrl();
        browser.findElement(By.xpath("//button[normalize-space()='Sign in']")).click();
        // The click does not wait for the next page; the code page must be there before it is looked for.
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> !before.equals(driver.getCurrentUrl()));
        // Staff enrol a TOTP authenticator on their first sign-in, with the key the page shows once.
        List<org.openqa.selenium.WebElement> key = browser.findElements(By.id("totp-secret"));
        if (!key.isEmpty()) {
            browser.findElement(By.id("code"))
                    .sendKeys(AuthorizationCodeFlow.currentCode(key.get(0).getText()));
            browser.findElement(By.xpath("//button[normalize-space()='Continue']"))
                    .click();
        }
    }

    private JsonNode exchange(String code) throws IOException {
        HttpResponse<String> response = pkce.exchange(clientId, appBase + "/callback", code, pkce.verifier());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private int status(JsonNode token, String path) {
        return send(anonymousRequest(path)
                        .header(
                                "Authorization",
                                "Bearer " + token.get("access_token").asText()))
                .statusCode();
    }

    private static void answered(HttpExchange exchange) throws IOException {
        byte[] page =
                "<!DOCTYPE html><html lang=\"en\"><title>Test app</title><h1>Test app received an answer</h1></html>"
                        .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, page.length);
        exchange.getResponseBody().write(page);
        exchange.close();
    }

    private String create(org.hl7.fhir.r4.model.Resource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String url) {
        String query = URI.create(url).getRawQuery();
        return Arrays.stream(query.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }
}
