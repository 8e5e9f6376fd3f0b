package io.healthportal.server.testing;

import io.healthportal.server.authserver.Totp;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person's browser going through the SMART authorization code flow at the HTTP level: one cookie
 * jar, redirects followed by hand so each step can be looked at. The headless-browser test does the
 * same with a real browser; this one is fast enough to check each protocol rule.
 */
public final class AuthorizationCodeFlow {

    private final String base;
    private final HttpClient browser;
    private final String verifier;

    public AuthorizationCodeFlow(String base) {
        this.base = base;
        this.browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public String verifier() {
        return verifier;
    }

    public String challenge() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The usual authorization request parameters, for a test to change before {@link #authorize}. */
    public Map<String, String> authorizationRequest(
            String clientId, String redirectUri, String scope, String state, String aud) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", clientId);
        parameters.put("redirect_uri", redirectUri);
        parameters.put("scope", scope);
        parameters.put("state", state);
        parameters.put("aud", aud);
        parameters.put("code_challenge", challenge());
        parameters.put("code_challenge_method", "S256");
        return parameters;
    }

    /** Opens a page as the browser would. */
    public HttpResponse<String> open(String url) {
        return get(url);
    }

    public HttpResponse<String> authorize(Map<String, String> parameters) {
        return get(base + "/oauth2/authorize?" + form(parameters));
    }

    /**
     * Signs in on the login page the server redirected to and returns the response to the form. A member
     * of staff not yet enrolled for a second factor enrols on the way, with the key the code page shows;
     * for one enrolled already use {@link #signIn(String, String, String)}.
     */
    public HttpResponse<String> signIn(String username, String password) {
        return signIn(username, password, null);
    }

    /** Signs in a member of staff enrolled with the TOTP key {@code base32Secret}. */
    public HttpResponse<String> signIn(String username, String password, String base32Secret) {
        HttpResponse<String> signedIn = passwordStep(username, password);
        if (!location(signedIn).endsWith(CODE_PAGE)) {
            return signedIn;
        }
        HttpResponse<String> codePage = get(base + CODE_PAGE);
        Matcher offered = Pattern.compile("id=\"totp-secret\">([A-Z2-7]+)<").matcher(codePage.body());
        String secret = offered.find() ? offered.group(1) : base32Secret;
        if (secret == null) {
            throw new AssertionError(username + " is enrolled for a second factor: pass its key");
        }
        return submitCode(codePage, currentCode(secret));
    }

    /** Only the password form: a member of staff is then sent to the code page. */
    public HttpResponse<String> passwordStep(String username, String password) {
        HttpResponse<String> page = get(base + "/login");
        return post(base + "/login", Map.of("username", username, "password", password, "_csrf", csrf(page.body())));
    }

    /** Posts a code on the second-factor page. */
    public HttpResponse<String> submitCode(HttpResponse<String> codePage, String code) {
        return post(base + CODE_PAGE, Map.of("code", code, "_csrf", csrf(codePage.body())));
    }

    /** The RFC 6238 code of {@code base32Secret} for now. */
    public static String currentCode(String base32Secret) {
        return Totp.code(Totp.fromBase32(base32Secret), Totp.step(Instant.now()));
    }

    public static final String CODE_PAGE = "/login/code";

    /** Follows a redirect the server gave. */
    public HttpResponse<String> follow(HttpResponse<String> redirect) {
        String location = location(redirect);
        return get(location.startsWith("http") ? location : base + location);
    }

    /** Submits the consent page's "allow" form with exactly {@code scopes} ticked. */
    public HttpResponse<String> consent(HttpResponse<String> consentPage, List<String> scopes) {
        String html = consentPage.body();
        StringBuilder body = new StringBuilder()
                .append("client_id=")
                .append(encode(hidden(html, "client_id")))
                .append("&state=")
                .append(encode(hidden(html, "state")))
                .append("&_csrf=")
                .append(encode(csrf(html)));
        scopes.forEach(scope -> body.append("&scope=").append(encode(scope)));
        return send(HttpRequest.newBuilder(URI.create(base + "/oauth2/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /**
     * Posts a form of a page the server rendered (its CSRF token included) to {@code url}, a path on this
     * server; {@code fields} may repeat a name through a list value.
     */
    public HttpResponse<String> submit(HttpResponse<String> page, String path, Map<String, List<String>> fields) {
        StringBuilder body = new StringBuilder("_csrf=").append(encode(csrf(page.body())));
        fields.forEach((name, values) -> values.forEach(
                value -> body.append('&').append(encode(name)).append('=').append(encode(value))));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** Exchanges a code at the token endpoint as a public client. */
    public HttpResponse<String> exchange(String clientId, String redirectUri, String code, String codeVerifier) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("grant_type", "authorization_code");
        parameters.put("code", code);
        parameters.put("redirect_uri", redirectUri);
        parameters.put("client_id", clientId);
        parameters.put("code_verifier", codeVerifier);
        return send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters))));
    }

    /** Exchanges a code at the token endpoint as a confidential client (HTTP Basic). */
    public HttpResponse<String> exchange(
            String clientId, String secret, String redirectUri, String code, String codeVerifier) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("grant_type", "authorization_code");
        parameters.put("code", code);
        parameters.put("redirect_uri", redirectUri);
        parameters.put("code_verifier", codeVerifier);
        return tokenRequest(clientId, secret, parameters);
    }

    /** Uses a refresh token as a public client: its {@code client_id} and nothing else. */
    public HttpResponse<String> refresh(String clientId, String refreshToken) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("grant_type", "refresh_token");
        parameters.put("refresh_token", refreshToken);
        parameters.put("client_id", clientId);
        return send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters))));
    }

    /** Uses a refresh token as a confidential client; {@code scope} may be null. */
    public HttpResponse<String> refresh(String clientId, String secret, String refreshToken, String scope) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("grant_type", "refresh_token");
        parameters.put("refresh_token", refreshToken);
        if (scope != null) {
            parameters.put("scope", scope);
        }
        return tokenRequest(clientId, secret, parameters);
    }

    private HttpResponse<String> tokenRequest(String clientId, String secret, Map<String, String> parameters) {
        String basic = Base64.getEncoder()
                .encodeToString((encode(clientId) + ":" + encode(secret)).getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters))));
    }

    public static String location(HttpResponse<String> response) {
        return response.headers()
                .firstValue("Location")
                .orElseThrow(() -> new AssertionError(
                        "Expected a redirect, got " + response.statusCode() + ": " + response.body()));
    }

    /** The query parameters of a redirect's location. */
    public static Map<String, String> query(HttpResponse<String> redirect) {
        String location = location(redirect);
        int question = location.indexOf('?');
        Map<String, String> parameters = new LinkedHashMap<>();
        if (question < 0) {
            return parameters;
        }
        for (String pair : location.substring(question + 1).split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(
                    URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html"));
    }

    private HttpResponse<String> post(String url, Map<String, String> parameters) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters))));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String csrf(String html) {
        return hidden(html, "_csrf");
    }

    private static String hidden(String html, String name) {
        Matcher matcher = Pattern.compile("name=\"" + Pattern.quote(name) + "\"\\s+value=\"([^\"]*)\"")
                .matcher(html);
        if (!matcher.find()) {
            throw new AssertionError("No hidden field " + name + " in: " + html);
        }
        return matcher.group(1).replace("&amp;", "&");
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
