package io.healthportal.smartclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A SMART Backend Services client of hapi-server: finds the token endpoint in the FHIR server's
 * {@code .well-known/smart-configuration}, proves itself with a client assertion signed by its
 * {@link BackendServicesKey} ({@code client_credentials}, {@code private_key_jwt}, no
 * {@code client_id}), and reuses the access token until a minute before it expires. Thread-safe.
 */
public class BackendServicesClient {

    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(4);
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(1);

    private final URI fhirBaseUrl;
    private final String clientId;
    private final String scope;
    private final BackendServicesKey key;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private URI tokenEndpoint;
    private String accessToken;
    private Instant renewAt = Instant.MIN;

    public BackendServicesClient(URI fhirBaseUrl, String clientId, String scope, BackendServicesKey key) {
        this(fhirBaseUrl, clientId, scope, key, Clock.systemUTC());
    }

    public BackendServicesClient(URI fhirBaseUrl, String clientId, String scope, BackendServicesKey key, Clock clock) {
        this.fhirBaseUrl = fhirBaseUrl;
        this.clientId = clientId;
        this.scope = scope;
        this.key = key;
        this.clock = clock;
    }

    /**
     * A valid access token, fetched when there is none or the last is within a minute of expiring.
     *
     * @throws TokenUnavailableException when none can be had; the message says why
     */
    public synchronized String accessToken() {
        if (accessToken == null || clock.instant().isAfter(renewAt)) {
            fetchToken();
        }
        return accessToken;
    }

    /** Forgets the current token, e.g. after the FHIR server answered 401 to it. */
    public synchronized void tokenRejected() {
        accessToken = null;
        renewAt = Instant.MIN;
    }

    private void fetchToken() {
        URI endpoint = tokenEndpoint();
        String form = "grant_type=client_credentials"
                + "&scope=" + encode(scope)
                + "&client_assertion_type=" + encode(ASSERTION_TYPE)
                + "&client_assertion=" + encode(assertion(endpoint));
        JsonNode token = readJson(
                send(HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(form))),
                "the token endpoint");
        if (!token.hasNonNull("access_token")) {
            throw new TokenUnavailableException("the token endpoint answered without an access_token", null);
        }
        accessToken = token.get("access_token").asText();
        Duration lifetime = Duration.ofSeconds(token.path("expires_in").asLong(300));
        renewAt = clock.instant().plus(lifetime).minus(RENEW_BEFORE_EXPIRY);
    }

    private URI tokenEndpoint() {
        if (tokenEndpoint == null) {
            URI discovery =
                    URI.create(fhirBaseUrl.toString().replaceAll("/+$", "") + "/.well-known/smart-configuration");
            JsonNode configuration = readJson(
                    send(HttpRequest.newBuilder(discovery).header("Accept", "application/json")),
                    "the SMART configuration");
            if (!configuration.hasNonNull("token_endpoint")) {
                throw new TokenUnavailableException("the SMART configuration names no token_endpoint", null);
            }
            tokenEndpoint = URI.create(configuration.get("token_endpoint").asText());
        }
        return tokenEndpoint;
    }

    private String assertion(URI endpoint) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(endpoint.toString())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES384)
                .keyID(key.privateKey().getKeyID())
                .type(JOSEObjectType.JWT)
                .build();
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new ECDSASigner(key.privateKey()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign the client assertion", e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenUnavailableException("the authorization server is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenUnavailableException("interrupted while asking for a token", e);
        }
    }

    private JsonNode readJson(HttpResponse<String> response, String what) {
        if (response.statusCode() != 200) {
            // The body is an OAuth error (no PHI): it says why, e.g. an unregistered client.
            throw new TokenUnavailableException(
                    what + " answered " + response.statusCode() + ": " + response.body(), null);
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new TokenUnavailableException(what + " answered something that is not JSON", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
