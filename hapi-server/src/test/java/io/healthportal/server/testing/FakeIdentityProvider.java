package io.healthportal.server.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.healthportal.testing.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * An OpenID Connect provider for the integration tests, in the same JVM: discovery, JWKS, an authorize
 * endpoint and a token endpoint, one issuer per configured provider id ({@code http://127.0.0.1:port/<id>}).
 * The shared test context is configured with its providers before it starts ({@link #configure}); the
 * provider itself starts on first use ({@link #start}), since the portal reads discovery documents only
 * when someone signs in.
 *
 * <p>Its authorize endpoint shows a bare sign-in page asking who signs in (for a real browser); an
 * HTTP-level test skips it by appending who signs in ({@code login_as}) and, optionally, the {@code
 * amr} values and a {@code tamper} (see {@link Tamper}) to the URL the portal redirected to. The endpoint insists on {@code state}, {@code nonce} and
 * an S256 PKCE challenge; the token endpoint insists on the client secret, the redirect URI and the
 * matching PKCE verifier, and signs an ID token carrying the nonce.
 */
public final class FakeIdentityProvider {

    /** Signs in patients. */
    public static final String PATIENTS = "test-patients";
    /** Signs in staff; its {@code amr} is not trusted, so staff still enter their TOTP code. */
    public static final String STAFF = "test-staff";
    /** Signs in staff; its {@code amr} showing multi-factor authentication replaces the TOTP code. */
    public static final String STAFF_TRUSTED_MFA = "test-staff-mfa";

    private static final String CLIENT_ID = "health-portal-test";
    /** A test value, like the test key store's password. */
    private static final String CLIENT_SECRET = "test-only-identity-provider-secret";

    /** How the next ID token is spoiled, to see the portal refuse it. */
    public enum Tamper {
        /** Signed with a key the JWKS does not hold (same key id). */
        SIGNATURE,
        /** Carries a nonce other than the one the portal sent. */
        NONCE,
        /** Expired an hour ago. */
        EXPIRED
    }

    private static final FakeIdentityProvider INSTANCE = new FakeIdentityProvider(FreePort.find());

    private final int port;
    private final RSAKey key;
    private final RSAKey foreignKey;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final AtomicInteger verifiedCodeExchanges = new AtomicInteger();
    private HttpServer server;

    private record Grant(
            String providerId,
            String subject,
            String nonce,
            String challenge,
            String redirectUri,
            List<String> amr,
            Tamper tamper) {}

    private FakeIdentityProvider(int port) {
        this.port = port;
        try {
            this.key = new RSAKeyGenerator(2048).keyID("fake-idp-1").generate();
            this.foreignKey = new RSAKeyGenerator(2048).keyID("fake-idp-1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static FakeIdentityProvider instance() {
        return INSTANCE;
    }

    /** The shared test context's identity providers: all three on this fake, which starts later. */
    public static void configure(DynamicPropertyRegistry registry) {
        INSTANCE.provider(registry, PATIENTS, "Test patient ID", "patients", false);
        INSTANCE.provider(registry, STAFF, "Test staff ID", "staff", false);
        INSTANCE.provider(registry, STAFF_TRUSTED_MFA, "Test staff MFA ID", "staff", true);
    }

    private void provider(
            DynamicPropertyRegistry registry, String id, String name, String accounts, boolean acceptMfa) {
        String prefix = "portal.auth.identity-providers." + id + ".";
        registry.add(prefix + "display-name", () -> name);
        registry.add(prefix + "issuer-uri", () -> issuer(id));
        registry.add(prefix + "client-id", () -> CLIENT_ID);
        registry.add(prefix + "client-secret", () -> CLIENT_SECRET);
        registry.add(prefix + "accounts", () -> accounts);
        registry.add(prefix + "accept-mfa-claim", () -> acceptMfa);
    }

    public String issuer(String providerId) {
        return "http://127.0.0.1:" + port + "/" + providerId;
    }

    /** How many codes were exchanged with the right PKCE verifier and client secret. */
    public int verifiedCodeExchanges() {
        return verifiedCodeExchanges.get();
    }

    /** Starts the provider unless it runs already. */
    public synchronized FakeIdentityProvider start() {
        if (server != null) {
            return this;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange);
            } catch (RuntimeException | JOSEException e) {
                respond(exchange, 500, "text/plain", e.toString());
            }
        });
        server.start();
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException, JOSEException {
        String path = exchange.getRequestURI().getPath();
        String[] parts = path.substring(1).split("/", 2);
        String providerId = parts[0];
        String endpoint = parts.length > 1 ? parts[1] : "";
        switch (endpoint) {
            case ".well-known/openid-configuration" -> discovery(exchange, providerId);
            case "jwks" -> respond(exchange, 200, "application/json", new JWKSet(key.toPublicJWK()).toString());
            case "authorize" -> authorize(exchange, providerId);
            case "token" -> token(exchange, providerId);
            default -> respond(exchange, 404, "text/plain", "not found");
        }
    }

    private void discovery(HttpExchange exchange, String providerId) throws IOException {
        String issuer = issuer(providerId);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("authorization_endpoint", issuer + "/authorize");
        document.put("token_endpoint", issuer + "/token");
        document.put("jwks_uri", issuer + "/jwks");
        document.put("response_types_supported", List.of("code"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("scopes_supported", List.of("openid"));
        respond(exchange, 200, "application/json", json.writeValueAsString(document));
    }

    private void authorize(HttpExchange exchange, String providerId) throws IOException {
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        String redirectUri = query.get("redirect_uri");
        boolean valid = "code".equals(query.get("response_type"))
                && CLIENT_ID.equals(query.get("client_id"))
                && redirectUri != null
                && redirectUri.endsWith("/login/callback/" + providerId)
                && query.get("scope") != null
                && Arrays.asList(query.get("scope").split(" ")).contains("openid")
                && present(query.get("state"))
                && present(query.get("nonce"))
                && present(query.get("code_challenge"))
                && "S256".equals(query.get("code_challenge_method"));
        if (!valid) {
            respond(exchange, 400, "text/plain", "Refused authorization request: " + query.keySet());
            return;
        }
        if (!present(query.get("login_as"))) {
            respond(exchange, 200, "text/html; charset=utf-8", signInPage(providerId, query));
            return;
        }
        String code = UUID.randomUUID().toString();
        List<String> amr = present(query.get("amr")) ? List.of(query.get("amr").split(",")) : List.of("pwd");
        Tamper tamper = present(query.get("tamper")) ? Tamper.valueOf(query.get("tamper")) : null;
        grants.put(
                code,
                new Grant(
                        providerId,
                        query.get("login_as"),
                        query.get("nonce"),
                        query.get("code_challenge"),
                        redirectUri,
                        amr,
                        tamper));
        exchange.getResponseHeaders()
                .add("Location", redirectUri + "?code=" + encode(code) + "&state=" + encode(query.get("state")));
        exchange.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange exchange, String providerId) throws IOException, JOSEException {
        Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic "
                + Base64.getEncoder()
                        .encodeToString(
                                (encode(CLIENT_ID) + ":" + encode(CLIENT_SECRET)).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(authorization)) {
            respond(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}");
            return;
        }
        Grant grant = form.get("code") == null ? null : grants.remove(form.get("code"));
        if (grant == null
                || !grant.providerId().equals(providerId)
                || !"authorization_code".equals(form.get("grant_type"))
                || !grant.redirectUri().equals(form.get("redirect_uri"))
                || form.get("code_verifier") == null
                || !grant.challenge().equals(s256(form.get("code_verifier")))) {
            respond(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        verifiedCodeExchanges.incrementAndGet();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", UUID.randomUUID().toString());
        answer.put("token_type", "Bearer");
        answer.put("expires_in", 300);
        answer.put("scope", "openid");
        answer.put("id_token", idToken(providerId, grant));
        respond(exchange, 200, "application/json", json.writeValueAsString(answer));
    }

    private String idToken(String providerId, Grant grant) throws JOSEException {
        Instant now = Instant.now();
        Instant expiry = grant.tamper() == Tamper.EXPIRED ? now.minusSeconds(3600) : now.plusSeconds(300);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer(providerId))
                .subject(grant.subject())
                .audience(CLIENT_ID)
                .issueTime(Date.from(grant.tamper() == Tamper.EXPIRED ? now.minusSeconds(3900) : now))
                .expirationTime(Date.from(expiry))
                .claim("nonce", grant.tamper() == Tamper.NONCE ? "not-the-nonce-the-portal-sent" : grant.nonce())
                .claim("amr", grant.amr())
                .claim("auth_time", now.getEpochSecond())
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(grant.tamper() == Tamper.SIGNATURE ? foreignKey : key));
        return jwt.serialize();
    }

    /** The provider's own sign-in page, for a real browser: who signs in, the request carried along. */
    private static String signInPage(String providerId, Map<String, String> query) {
        StringBuilder page = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Test identity provider</title></head><body><main><h1>Test identity provider</h1>"
                + "<form method=\"get\" action=\"/" + escape(providerId) + "/authorize\">");
        query.forEach((name, value) -> page.append("<input type=\"hidden\" name=\"")
                .append(escape(name))
                .append("\" value=\"")
                .append(escape(value))
                .append("\">"));
        return page.append("<label for=\"login_as\">Subject</label><input type=\"text\" id=\"login_as\""
                        + " name=\"login_as\"><button type=\"submit\">Sign in</button></form></main></body></html>")
                .toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static Map<String, String> parse(String encoded) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return parameters;
        }
        for (String pair : encoded.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(
                    URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The query of a URL the portal redirected to. */
    public static Map<String, String> query(String url) {
        return parse(URI.create(url).getRawQuery());
    }
}
