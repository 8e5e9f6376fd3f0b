package io.healthportal.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.server.config.PortalProperties;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The demo public SMART app of the embedded default, so that a person trying the portal can see a
 * standalone patient launch end to end: it sends them to sign in, exchanges the code (PKCE, no secret)
 * and shows what the token reaches. It talks to the server only over HTTP, as any SMART app would. It
 * exists only where demo data does; the smart-apps module will hold the real apps.
 */
@Controller
@ConditionalOnProperty(name = "portal.demo-data.enabled", havingValue = "true")
class DemoAppController {

    static final String PATH = "/demo-app";
    private static final String SCOPE = "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs";
    private static final String EHR_SCOPE = "openid fhirUser launch patient/Patient.rs patient/Observation.rs";
    private static final String VERIFIER = "demo-app.verifier";
    private static final String STATE = "demo-app.state";

    private final String issuer;
    private final String fhirBase;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();

    // The demo logins (and their refusal under the production profile) come first.
    DemoAppController(PortalProperties portal, DemoLogins logins) {
        this.issuer = portal.issuerUrl();
        this.fhirBase = portal.fhirBaseUrl();
    }

    static String redirectUri(String issuer) {
        return issuer + PATH + "/callback";
    }

    @GetMapping(PATH)
    String start() {
        return "demo-app";
    }

    static String launchUrl(String issuer) {
        return issuer + PATH + "/launch";
    }

    /**
     * Starts sign-in: on its own (standalone launch), or from an EHR, which opens this URL with {@code iss}
     * and {@code launch}; the app then asks for the {@code launch} scope and passes the value on.
     */
    @GetMapping(PATH + "/launch")
    String launch(
            HttpSession session,
            Model model,
            @RequestParam(name = "iss", required = false) String iss,
            @RequestParam(name = "launch", required = false) String ehrLaunch) {
        if (ehrLaunch != null && !fhirBase.equals(iss)) {
            // An app only follows a launch to the FHIR server it knows.
            model.addAttribute("problem", "This launch came from a FHIR server the app does not know.");
            return "demo-app";
        }
        String verifier = randomValue();
        String state = randomValue();
        session.setAttribute(VERIFIER, verifier);
        session.setAttribute(STATE, state);
        Map<String, String> request = new LinkedHashMap<>();
        request.put("response_type", "code");
        request.put("client_id", DemoLogins.DEMO_APP);
        request.put("redirect_uri", redirectUri(issuer));
        request.put("scope", ehrLaunch == null ? SCOPE : EHR_SCOPE);
        if (ehrLaunch != null) {
            request.put("launch", ehrLaunch);
        }
        request.put("state", state);
        request.put("aud", fhirBase);
        request.put("code_challenge", challenge(verifier));
        request.put("code_challenge_method", "S256");
        return "redirect:" + issuer + "/oauth2/authorize?" + form(request);
    }

    @GetMapping(PATH + "/callback")
    String callback(
            HttpSession session,
            Model model,
            @RequestParam(name = "code", required = false) String code,
            @RequestParam(name = "state", required = false) String state,
            @RequestParam(name = "error", required = false) String error)
            throws IOException, InterruptedException {
        Object expectedState = session.getAttribute(STATE);
        Object verifier = session.getAttribute(VERIFIER);
        session.removeAttribute(STATE);
        session.removeAttribute(VERIFIER);
        if (error != null || code == null || expectedState == null || !expectedState.equals(state)) {
            model.addAttribute(
                    "problem", error != null ? "The portal answered: " + error : "This answer was not expected.");
            return "demo-app";
        }
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", code);
        exchange.put("redirect_uri", redirectUri(issuer));
        exchange.put("client_id", DemoLogins.DEMO_APP);
        exchange.put("code_verifier", (String) verifier);
        JsonNode token = json.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form(exchange)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        if (!token.has("access_token") || !token.has("patient")) {
            model.addAttribute("problem", "No token for a patient record was granted.");
            return "demo-app";
        }
        String accessToken = token.get("access_token").asText();
        String patientId = token.get("patient").asText();
        JsonNode patient = fhir(accessToken, "/Patient/" + patientId);
        JsonNode observations = fhir(accessToken, "/Observation?_summary=count");
        model.addAttribute("patientId", patientId);
        model.addAttribute("patientName", name(patient));
        model.addAttribute("scope", token.get("scope").asText());
        model.addAttribute(
                "observations",
                observations.has("total") ? observations.get("total").asText() : "not shared with this app");
        return "demo-app";
    }

    private JsonNode fhir(String accessToken, String path) throws IOException, InterruptedException {
        return json.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(fhirBase + path))
                                .header("Authorization", "Bearer " + accessToken)
                                .header("Accept", "application/fhir+json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private static String name(JsonNode patient) {
        JsonNode name = patient.path("name").path(0);
        String given = name.path("given").path(0).asText("");
        return (given + " " + name.path("family").asText("")).trim();
    }

    private String randomValue() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
