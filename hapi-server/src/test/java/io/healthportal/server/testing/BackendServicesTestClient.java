package io.healthportal.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.security.SystemRole;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A SMART Backend Services client for the tests: registered with its own EC P-384 key, it gets its
 * access tokens from the server's real token endpoint ({@code client_credentials} with a signed
 * assertion, no {@code client_id}) and fetches a new one shortly before the current one expires.
 */
public final class BackendServicesTestClient {

    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final String clientId;
    private final String tokenEndpoint;
    private final ECKey key;
    private final String scope;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private String accessToken;
    private Instant renewAt = Instant.MIN;

    private BackendServicesTestClient(String clientId, String tokenEndpoint, ECKey key, String scope) {
        this(clientId, tokenEndpoint, key, scope, HttpClient.newHttpClient());
    }

    private BackendServicesTestClient(String clientId, String tokenEndpoint, ECKey key, String scope, HttpClient http) {
        this.http = http;
        this.clientId = clientId;
        this.tokenEndpoint = tokenEndpoint;
        this.key = key;
        this.scope = scope;
    }

    /** Registers a new client holding {@code scopes}, without a role, and returns it. */
    public static BackendServicesTestClient register(
            ClientRegistrations registrations, String tokenEndpoint, Set<String> scopes) {
        return register(registrations, tokenEndpoint, scopes, null);
    }

    /**
     * Registers a new EHR system (a Backend Services client that reads the patients of Group {@code
     * group} and may create launches for them) and returns it.
     */
    public static BackendServicesTestClient registerEhrSystem(
            ClientRegistrations registrations, String tokenEndpoint, Set<String> scopes, String group) {
        return register(registrations, tokenEndpoint, scopes, new SystemRole.EhrSystem(group));
    }

    /** Registers a new partner system writing as partner {@code partnerId} and returns it. */
    public static BackendServicesTestClient registerPartner(
            ClientRegistrations registrations, String tokenEndpoint, Set<String> scopes, String partnerId) {
        return register(registrations, tokenEndpoint, scopes, new SystemRole.Partner(partnerId));
    }

    /** Registers a new client holding {@code scopes} with {@code role} (null: none) and returns it. */
    public static BackendServicesTestClient register(
            ClientRegistrations registrations, String tokenEndpoint, Set<String> scopes, SystemRole role) {
        try {
            String clientId = "test-backend-" + UUID.randomUUID();
            ECKey key = new ECKeyGenerator(Curve.P_384)
                    .keyID(UUID.randomUUID().toString())
                    .algorithm(JWSAlgorithm.ES384)
                    .generate();
            JWKSet keys = new JWKSet(key.toPublicJWK());
            registrations.registerBackendService(clientId, "Integration tests", keys, scopes, role);
            return new BackendServicesTestClient(clientId, tokenEndpoint, key, String.join(" ", scopes));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client registered some other way (RFC 7591, say) that proves itself with {@code key}. */
    public static BackendServicesTestClient of(String clientId, String tokenEndpoint, ECKey key, String scope) {
        return new BackendServicesTestClient(clientId, tokenEndpoint, key, scope);
    }

    /** As {@link #of(String, String, ECKey, String)}, reaching the token endpoint through {@code http}. */
    public static BackendServicesTestClient of(
            String clientId, String tokenEndpoint, ECKey key, String scope, HttpClient http) {
        return new BackendServicesTestClient(clientId, tokenEndpoint, key, scope, http);
    }

    public String clientId() {
        return clientId;
    }

    /** A valid access token, fetched anew when the last one is within a minute of expiring. */
    public synchronized String accessToken() {
        if (Instant.now().isAfter(renewAt)) {
            Instant requested = Instant.now();
            HttpResponse<String> response = requestToken(Map.of("scope", scope, "client_assertion", assertion()));
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "Token request failed: " + response.statusCode() + " " + response.body());
            }
            JsonNode body = read(response.body());
            accessToken = body.get("access_token").asText();
            renewAt = requested.plusSeconds(body.get("expires_in").asLong()).minus(Duration.ofMinutes(1));
        }
        return accessToken;
    }

    /** A fresh, correctly signed assertion for the token endpoint. */
    public String assertion() {
        return assertion(claims -> {}, key);
    }

    /** An assertion with changed claims, signed by {@code signer}. */
    public String assertion(java.util.function.Consumer<JWTClaimsSet.Builder> change, ECKey signer) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(tokenEndpoint)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(4))));
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES384)
                        .keyID(signer.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        try {
            jwt.sign(new ECDSASigner(signer));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /**
     * A raw {@code client_credentials} token request; {@code parameters} add to or replace the usual
     * {@code grant_type} and {@code client_assertion_type}.
     */
    public HttpResponse<String> requestToken(Map<String, String> parameters) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.putAll(parameters);
        return post(tokenEndpoint, form);
    }

    /** RFC 7009 revocation of {@code token}, authenticated with a fresh assertion. */
    public HttpResponse<String> revoke(String token) {
        return post(
                tokenEndpoint.replaceFirst("/token$", "/revoke"),
                Map.of("token", token, "client_assertion", assertion()));
    }

    /** RFC 7662 introspection of {@code token}, authenticated with a fresh assertion. */
    public HttpResponse<String> introspect(String token) {
        return post(
                tokenEndpoint.replaceFirst("/token$", "/introspect"),
                Map.of("token", token, "client_assertion", assertion()));
    }

    private HttpResponse<String> post(String endpoint, Map<String, String> parameters) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_assertion_type", ASSERTION_TYPE);
        form.putAll(parameters);
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(endpoint))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public ECKey key() {
        return key;
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
