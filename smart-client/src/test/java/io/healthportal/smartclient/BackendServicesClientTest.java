package io.healthportal.smartclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of SMART Backend Services against a small authorization server that checks each
 * assertion the way hapi-server does: signature by the registered key, iss and sub the client, aud
 * the token endpoint, exp at most five minutes ahead, every jti new.
 */
class BackendServicesClientTest {

    private static final String CLIENT = "ingest-test";
    private static final String SCOPE = "system/Patient.crus system/Observation.crus";

    @TempDir
    Path dir;

    private HttpServer server;
    private String base;
    private ECKey registeredKey;
    private final List<JWTClaimsSet> assertions = new ArrayList<>();
    private final List<Map<String, String>> tokenRequests = new ArrayList<>();
    private int tokenStatus = 200;

    @BeforeEach
    void startAuthorizationServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext(
                "/fhir/.well-known/smart-configuration",
                exchange -> respond(exchange, 200, "{\"token_endpoint\":\"" + base + "/auth/token\"}"));
        server.createContext("/auth/token", this::token);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void getsATokenWithASignedAssertionAndReusesItUntilRejected() throws Exception {
        BackendServicesKey key = BackendServicesKey.load(dir.resolve("client-key.json"), true);
        registeredKey = (ECKey) key.publicKeys().getKeys().get(0);
        BackendServicesClient tokens = client(key);

        assertThat(tokens.accessToken()).isEqualTo("token-1");
        assertThat(tokens.accessToken()).as("reused while valid").isEqualTo("token-1");
        tokens.tokenRejected();
        assertThat(tokens.accessToken()).isEqualTo("token-2");

        assertThat(tokenRequests).hasSize(2).allSatisfy(form -> {
            assertThat(form).containsEntry("grant_type", "client_credentials").containsEntry("scope", SCOPE);
            assertThat(form).doesNotContainKey("client_id");
            assertThat(form).containsEntry("client_assertion_type", BackendServicesClient.ASSERTION_TYPE);
        });
        assertThat(assertions).allSatisfy(claims -> {
            assertThat(claims.getIssuer()).isEqualTo(CLIENT);
            assertThat(claims.getSubject()).isEqualTo(CLIENT);
            assertThat(claims.getAudience()).containsExactly(base + "/auth/token");
            assertThat(claims.getExpirationTime().toInstant())
                    .isBefore(Instant.now().plus(Duration.ofMinutes(5)));
        });
        assertThat(assertions.get(0).getJWTID()).isNotEqualTo(assertions.get(1).getJWTID());
    }

    @Test
    void aTokenNearItsExpiryIsRenewed() throws Exception {
        BackendServicesKey key = BackendServicesKey.load(dir.resolve("client-key.json"), true);
        registeredKey = (ECKey) key.publicKeys().getKeys().get(0);
        MutableClock clock = new MutableClock();
        BackendServicesClient tokens = new BackendServicesClient(URI.create(base + "/fhir"), CLIENT, SCOPE, key, clock);

        assertThat(tokens.accessToken()).isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(3)); // expires_in 300 s: renewed from a minute before expiry
        assertThat(tokens.accessToken()).isEqualTo("token-1");
        clock.advance(Duration.ofSeconds(61));
        assertThat(tokens.accessToken()).isEqualTo("token-2");
    }

    @Test
    void aRefusedTokenRequestSaysWhy() throws Exception {
        BackendServicesKey key = BackendServicesKey.load(dir.resolve("client-key.json"), true);
        registeredKey = (ECKey) key.publicKeys().getKeys().get(0);
        tokenStatus = 401;

        assertThatThrownBy(() -> client(key).accessToken())
                .isInstanceOf(TokenUnavailableException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("invalid_client");
    }

    @Test
    void theKeyIsCreatedOnceOwnerReadableAndReadBack() throws Exception {
        Path file = dir.resolve("keys").resolve("client-key.json");
        BackendServicesKey created = BackendServicesKey.load(file, true);
        BackendServicesKey readBack = BackendServicesKey.load(file, false);

        assertThat(readBack.publicKeys().getKeys().get(0).getKeyID())
                .isEqualTo(created.publicKeys().getKeys().get(0).getKeyID());
        assertThat(readBack.publicKeys().getKeys().get(0).isPrivate()).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThatThrownBy(() -> BackendServicesKey.load(dir.resolve("absent.json"), false))
                .hasMessageContaining("does not exist");
    }

    private BackendServicesClient client(BackendServicesKey key) {
        return new BackendServicesClient(URI.create(base + "/fhir"), CLIENT, SCOPE, key, Clock.systemUTC());
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(parts[0], URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        tokenRequests.add(form);
        if (tokenStatus != 200) {
            respond(exchange, tokenStatus, "{\"error\":\"invalid_client\"}");
            return;
        }
        try {
            SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
            boolean verified = assertion.getHeader().getAlgorithm().equals(JWSAlgorithm.ES384)
                    && assertion.verify(new ECDSAVerifier(registeredKey));
            String jti = assertion.getJWTClaimsSet().getJWTID();
            boolean newJti =
                    assertions.stream().noneMatch(seen -> seen.getJWTID().equals(jti));
            if (!verified || !newJti) {
                respond(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            assertions.add(assertion.getJWTClaimsSet());
        } catch (Exception e) {
            respond(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        respond(
                exchange,
                200,
                "{\"access_token\":\"token-" + assertions.size()
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"" + SCOPE + "\"}");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
