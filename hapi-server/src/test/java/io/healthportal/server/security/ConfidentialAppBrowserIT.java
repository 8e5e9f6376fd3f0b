package io.healthportal.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.BackendServicesTestClient;
import io.healthportal.server.testing.HeadlessChromium;
import io.healthportal.server.testing.PortalPageCheck;
import io.healthportal.server.testing.RequiresChromium;
import io.healthportal.testing.FreePort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * Issue 3's confidential SMART apps in a real headless Chromium, one browser session each: a symmetric
 * client ({@code client_secret_basic}) and an asymmetric one ({@code private_key_jwt}, ES384, registered
 * through RFC 7591). A patient signs in on the real login page and allows the app on the real consent page
 * (including {@code offline_access}); the browser lands on the app's redirect URI, served by a small HTTP
 * endpoint of the test. The test then acts as the app's back end: it exchanges the code with the client's
 * credentials, reads the patient's own record on {@code /fhir}, refreshes (the refresh token rotates: the
 * old one is refused), introspects the new tokens, revokes the refresh token and sees introspection answer
 * only {@code {"active":false}} and {@code /fhir} answer 401 within {@code
 * portal.auth.revocation-check-interval}. The login and consent pages are checked with axe-core on the way.
 *
 * <p>SMART Backend Services ({@code client_credentials} with a signed assertion) has no browser step at
 * all: no person signs in or consents, the client talks to the token endpoint from its own back end. It is
 * tested over HTTP in {@link SmartAcceptanceIT} (the "Backend Services" and "Revocation and introspection"
 * sections) with {@link BackendServicesTestClient}, which every IT also uses for its own access.
 */
@RequiresChromium
class ConfidentialAppBrowserIT extends FhirServerTestBase {

    private static final String PASSWORD = "a confidential demo passphrase";
    private static final String SCOPE = "launch/patient patient/Patient.rs patient/Observation.rs offline_access";
    /** The tests' initial access token for RFC 7591 registration (its hash is in application-test.yaml). */
    private static final String INITIAL_ACCESS_TOKEN = "test-only-initial-access-token";
    /** Only the first run keeps its pages' screenshots for people to look at. */
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Value("${portal.auth.revocation-check-interval}")
    Duration revocationCheckInterval;

    private HttpServer app;
    private String redirectUri;
    private String patient;
    private String otherPatient;
    private String observation;
    private String username;

    /** The app's redirect target: a page saying the app got an answer, as a real app's would. */
    @BeforeEach
    void appAndPatient() throws Exception {
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePort.find()), 0);
        app.createContext("/callback", exchange -> {
            byte[] page = ("<!DOCTYPE html><html lang=\"en\"><title>Test app</title>"
                            + "<h1>Test app received an answer</h1></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        app.start();
        redirectUri = "http://127.0.0.1:" + app.getAddress().getPort() + "/callback";

        patient = createPatient("Keeper", "Constance");
        otherPatient = createPatient("Elsewhere", "Edmund");
        observation = createObservation(patient);
        username = "confidential-browser-" + UUID.randomUUID().toString().substring(0, 8);
        users.save(username, PASSWORD, PortalRole.PATIENT, "Patient/" + patient, "Constance Keeper");
    }

    @AfterEach
    void stopApp() {
        app.stop(0);
    }

    @Test
    void aSymmetricConfidentialAppIsAllowedInTheBrowserAndUsesItsSecretForEveryBackChannelCall() throws Exception {
        String clientId = "browser-confidential-" + UUID.randomUUID();
        // A new secret each run (bcrypt reads at most 72 bytes: 32 random bytes are 43 characters).
        String secret = randomSecret();
        registrations.registerConfidentialApp(
                clientId,
                "Secret Keeper",
                secret,
                redirectUri,
                Set.of("launch/patient", "patient/Patient.rs", "patient/Observation.rs", "offline_access"));

        BackChannel backEnd = new BackChannel() {
            @Override
            public HttpResponse<String> post(String endpoint, Map<String, String> form) {
                String basic = Base64.getEncoder()
                        .encodeToString((encode(clientId) + ":" + encode(secret)).getBytes(StandardCharsets.UTF_8));
                return postForm(endpoint, form, "Basic " + basic);
            }
        };
        HttpResponse<String> wrongSecret = postForm(
                "/oauth2/introspect",
                Map.of("token", "anything"),
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString((encode(clientId) + ":" + encode(randomSecret()))
                                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(wrongSecret.statusCode()).as("a wrong secret").isEqualTo(401);

        launchExchangeRefreshIntrospectRevoke(clientId, "Secret Keeper", backEnd);
    }

    @Test
    void anAsymmetricConfidentialAppIsAllowedInTheBrowserAndSignsAnAssertionForEveryBackChannelCall() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_384)
                .keyID(UUID.randomUUID().toString())
                .algorithm(JWSAlgorithm.ES384)
                .generate();
        HttpResponse<String> registered =
                send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/register"))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .header("Authorization", "Bearer " + INITIAL_ACCESS_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                """
                        {"client_name":"Key Holder","token_endpoint_auth_method":"private_key_jwt",
                         "grant_types":["authorization_code","refresh_token"],"redirect_uris":["%s"],
                         "scope":"%s","jwks":%s}
                        """.formatted(redirectUri, SCOPE, new JWKSet(key.toPublicJWK()).toString(true)))));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String clientId = json.readTree(registered.body()).get("client_id").asText();
        String tokenEndpoint = "http://localhost:" + port + "/oauth2/token";
        BackendServicesTestClient signer = BackendServicesTestClient.of(clientId, tokenEndpoint, key, null);

        // The assertion's audience is the token endpoint for introspection and revocation too, as in SmartAcceptanceIT.
        BackChannel backEnd = new BackChannel() {
            @Override
            public HttpResponse<String> post(String endpoint, Map<String, String> form) {
                Map<String, String> signed = new LinkedHashMap<>(form);
                signed.put("client_assertion_type", BackendServicesTestClient.ASSERTION_TYPE);
                signed.put("client_assertion", signer.assertion());
                return postForm(endpoint, signed, null);
            }
        };
        ECKey stranger = new ECKeyGenerator(Curve.P_384).keyID(key.getKeyID()).generate();
        HttpResponse<String> wrongKey = postForm(
                "/oauth2/introspect",
                Map.of(
                        "token",
                        "anything",
                        "client_assertion_type",
                        BackendServicesTestClient.ASSERTION_TYPE,
                        "client_assertion",
                        signer.assertion(claims -> {}, stranger)),
                null);
        assertThat(wrongKey.statusCode())
                .as("an assertion signed by a key the app did not register")
                .isEqualTo(401);

        launchExchangeRefreshIntrospectRevoke(clientId, "Key Holder", backEnd);
    }

    /** How the app's back end authenticates a form it posts to one of the server's OAuth endpoints. */
    private interface BackChannel {
        HttpResponse<String> post(String endpoint, Map<String, String> form);
    }

    private void launchExchangeRefreshIntrospectRevoke(String clientId, String appName, BackChannel backEnd)
            throws Exception {
        AuthorizationCodeFlow pkce = new AuthorizationCodeFlow("http://localhost:" + port);
        String state = "s-" + UUID.randomUUID();
        Map<String, String> authorization = pkce.authorizationRequest(clientId, redirectUri, SCOPE, state, fhirBase());
        boolean keepScreenshots = RUNS.getAndIncrement() == 0;
        String code;

        try (HeadlessChromium chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/oauth2/authorize?" + form(authorization));

            wait.until(ExpectedConditions.urlContains("/login"));
            assertThat(browser.getTitle()).isEqualTo("Sign in – Patient health portal");
            PortalPageCheck.check(chromium, "confidential-app-1-sign-in", keepScreenshots);
            browser.findElement(By.id("username")).sendKeys(username);
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.xpath("//button[normalize-space()='Sign in']"))
                    .click();

            wait.until(ExpectedConditions.urlContains("/oauth2/consent"));
            assertThat(browser.findElement(By.tagName("h1")).getText())
                    .isEqualTo("Allow " + appName + " to use your record?");
            assertThat(browser.findElement(By.tagName("main")).getText()).contains("Signed in as Constance Keeper");
            List<WebElement> boxes = browser.findElements(
                    By.cssSelector("fieldset:not(.narrower) > .choice > input[type=checkbox][name=scope]"));
            assertThat(boxes)
                    .extracting(box -> box.getAttribute("value"))
                    .containsExactlyInAnyOrder(
                            "launch/patient", "patient/Patient.rs", "patient/Observation.rs", "offline_access");
            assertThat(boxes).allMatch(WebElement::isSelected);
            PortalPageCheck.check(chromium, "confidential-app-2-consent", keepScreenshots);
            WebElement allow = browser.findElement(By.id("allow"));
            if (keepScreenshots) {
                // The page is longer than the window: the rest of it, down to the buttons, as a person scrolls.
                ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'end'});", allow);
                chromium.screenshot("confidential-app-3-consent-scrolled-to-the-buttons");
            }
            allow.click();

            wait.until(ExpectedConditions.urlContains(redirectUri));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Test app received an answer");
            Map<String, String> answer = query(browser.getCurrentUrl());
            assertThat(answer).containsEntry("state", state).containsKey("code");
            code = answer.get("code");
        }

        // The app's back end: the code for tokens, with the client's credentials.
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", code);
        exchange.put("redirect_uri", redirectUri);
        exchange.put("code_verifier", pkce.verifier());
        HttpResponse<String> tokenResponse = backEnd.post("/oauth2/token", exchange);
        assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
        JsonNode token = json.readTree(tokenResponse.body());
        assertThat(token.get("patient").asText()).isEqualTo(patient);
        assertThat(scopes(token)).containsExactlyInAnyOrder(SCOPE.split(" "));
        assertThat(token.get("token_type").asText()).isEqualToIgnoringCase("Bearer");
        String accessToken = token.get("access_token").asText();
        String refreshToken = token.get("refresh_token").asText();
        assertThat(refreshToken).isNotBlank();

        assertOwnRecordOnly(accessToken);

        // Refresh: a new pair, and the old refresh token no longer works.
        HttpResponse<String> refreshed =
                backEnd.post("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode renewed = json.readTree(refreshed.body());
        String newAccessToken = renewed.get("access_token").asText();
        String newRefreshToken = renewed.get("refresh_token").asText();
        assertThat(newAccessToken).isNotEqualTo(accessToken);
        assertThat(newRefreshToken).isNotBlank().isNotEqualTo(refreshToken);
        assertThat(scopes(renewed)).containsExactlyInAnyOrder(SCOPE.split(" "));
        assertThat(renewed.get("patient").asText()).isEqualTo(patient);
        HttpResponse<String> reused =
                backEnd.post("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        assertThat(reused.statusCode()).as("the rotated-out refresh token").isEqualTo(400);
        assertThat(json.readTree(reused.body()).get("error").asText()).isEqualTo("invalid_grant");
        assertOwnRecordOnly(newAccessToken);

        // Introspection of the new tokens.
        JsonNode activeAccess = introspect(backEnd, newAccessToken);
        assertThat(activeAccess.get("active").asBoolean())
                .as(activeAccess.toString())
                .isTrue();
        assertThat(Set.of(activeAccess.get("scope").asText().split(" "))).containsExactlyInAnyOrder(SCOPE.split(" "));
        assertThat(activeAccess.get("patient").asText()).isEqualTo(patient);
        assertThat(activeAccess.get("client_id").asText()).isEqualTo(clientId);
        assertThat(activeAccess.get("exp").asLong()).isGreaterThan(Instant.now().getEpochSecond());
        JsonNode activeRefresh = introspect(backEnd, newRefreshToken);
        assertThat(activeRefresh.get("active").asBoolean()).isTrue();
        assertThat(activeRefresh.get("client_id").asText()).isEqualTo(clientId);

        // Revoking the refresh token ends the grant: both tokens are inactive and /fhir refuses the access token.
        HttpResponse<String> revoked = backEnd.post("/oauth2/revoke", Map.of("token", newRefreshToken));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(introspect(backEnd, newRefreshToken)).isEqualTo(json.readTree("{\"active\":false}"));
        assertThat(introspect(backEnd, newAccessToken)).isEqualTo(json.readTree("{\"active\":false}"));
        HttpResponse<String> afterwards = refusedWithin(newAccessToken, "/Patient/" + patient);
        assertThat(afterwards.statusCode()).isEqualTo(401);
        assertThat(afterwards.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        assertThat(backEnd.post(
                                "/oauth2/token",
                                Map.of("grant_type", "refresh_token", "refresh_token", newRefreshToken))
                        .statusCode())
                .as("the revoked refresh token")
                .isEqualTo(400);
    }

    private void assertOwnRecordOnly(String accessToken) throws IOException {
        HttpResponse<String> own = read(accessToken, "/Patient/" + patient);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(fhirContext
                        .newJsonParser()
                        .parseResource(Patient.class, own.body())
                        .getNameFirstRep()
                        .getFamily())
                .isEqualTo("Keeper");
        assertThat(read(accessToken, "/Observation/" + observation).statusCode())
                .isEqualTo(200);
        assertThat(read(accessToken, "/Patient/" + otherPatient).statusCode()).isEqualTo(403);
    }

    /**
     * Reads {@code path} with {@code token} until /fhir refuses it, for at most the documented revocation
     * check interval (and a few seconds for a busy machine), and returns the last answer.
     */
    private HttpResponse<String> refusedWithin(String token, String path) throws InterruptedException {
        Instant deadline = Instant.now().plus(revocationCheckInterval).plusSeconds(5);
        HttpResponse<String> answer = read(token, path);
        while (answer.statusCode() != 401 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            answer = read(token, path);
        }
        return answer;
    }

    private JsonNode introspect(BackChannel backEnd, String token) throws IOException {
        HttpResponse<String> response = backEnd.post("/oauth2/introspect", Map.of("token", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static Set<String> scopes(JsonNode token) {
        return Set.of(token.get("scope").asText().split(" "));
    }

    private String randomSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private HttpResponse<String> postForm(String endpoint, Map<String, String> form, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(form)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private HttpResponse<String> read(String token, String path) {
        return send(HttpRequest.newBuilder(URI.create(fhirBase() + path))
                .header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + token));
    }

    private String createPatient(String family, String given) {
        Patient created = new Patient();
        created.addName().setFamily(family).addGiven(given);
        return client().create().resource(created).execute().getId().getIdPart();
    }

    private String createObservation(String patientId) {
        Observation created = new Observation();
        created.setStatus(Observation.ObservationStatus.FINAL);
        created.getCode().setText("confidential-browser-test");
        created.setSubject(new Reference("Patient/" + patientId));
        return client().create().resource(created).execute().getId().getIdPart();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String url) {
        return Arrays.stream(URI.create(url).getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }
}
