package io.healthportal.ingest.testing;

import ca.uhn.fhir.context.FhirContext;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;

/**
 * An HTTP endpoint standing in for hapi-server where a test needs to choose its answers (a 503 once, a
 * 400): it records every request and its body and answers from a script per marker found in the body,
 * then as hapi-server would in shape: a search finds nothing, a transaction's entries are each created
 * or updated (a location per entry), and the Patients it writes are kept to be read and updated by id
 * (stored tags kept over an update, as hapi-server does) and to lose tags by {@code $meta-delete}. Like hapi-server it names its token endpoint in {@code .well-known/smart-configuration},
 * hands out a token for a Backend Services client assertion, and answers 401 to a FHIR request without
 * that token. It also signs access tokens for ingest-adapters' own callers (partner systems, operators)
 * and publishes its keys at {@code /oauth2/jwks}, as hapi-server's authorization server does. The
 * end-to-end test uses the real hapi-server instead.
 */
public final class ScriptedFhirEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Queue<Integer>> scripts = new ConcurrentHashMap<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private final Map<String, Patient> patients = new ConcurrentHashMap<>();
    private final List<String> clientAssertions = new CopyOnWriteArrayList<>();
    private static final String TOKEN = "scripted-access-token";
    private static final FhirContext JSON = FhirContext.forR4Cached();
    private final RSAKey signingKey = newSigningKey();

    public ScriptedFhirEndpoint() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(
                "/fhir/.well-known/smart-configuration",
                exchange ->
                        answer(exchange, 200, "application/json", "{\"token_endpoint\":\"" + tokenEndpoint() + "\"}"));
        server.createContext(
                "/oauth2/jwks",
                exchange -> answer(exchange, 200, "application/json", new JWKSet(signingKey.toPublicJWK()).toString()));
        server.createContext("/auth/token", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher assertion = Pattern.compile("client_assertion=([^&]+)").matcher(form);
            if (!form.contains("grant_type=client_credentials") || !assertion.find()) {
                answer(exchange, 400, "application/json", "{\"error\":\"invalid_request\"}");
                return;
            }
            clientAssertions.add(assertion.group(1));
            answer(
                    exchange,
                    200,
                    "application/json",
                    "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
        });
        server.createContext("/fhir", exchange -> {
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getRequestBody().readAllBytes();
                answer(exchange, 401, "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!body.isEmpty()) {
                bodies.add(body);
            }
            String request =
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            requests.add(request);
            Integer status = scripts.entrySet().stream()
                    .filter(e -> body.contains(e.getKey()) || request.contains(e.getKey()))
                    .map(e -> e.getValue().poll())
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            int code = status == null ? 200 : status;
            byte[] answer = (code == 200
                            ? success(exchange, body)
                            : "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                                    + "\"code\":\"processing\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(code, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** What hapi-server answers a request it carries out, in shape. */
    private String success(HttpExchange exchange, String body) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath().replaceFirst("^/fhir/?", "");
        String[] parts = path.isEmpty() ? new String[0] : path.split("/");
        boolean instance = parts.length == 2 && !parts[1].startsWith("$");
        if (method.equals("GET") && instance) {
            Patient stored = patients.get(parts[0] + "/" + parts[1]);
            return stored == null ? "{\"resourceType\":\"OperationOutcome\"}" : encode(stored);
        }
        if (method.equals("PUT") && instance) {
            return encode(store(parts[1], JSON.newJsonParser().parseResource(Patient.class, body)));
        }
        if (method.equals("POST") && parts.length == 3 && parts[2].equals("$meta-delete")) {
            Meta removed = (Meta) JSON.newJsonParser()
                    .parseResource(Parameters.class, body)
                    .getParameterFirstRep()
                    .getValue();
            Patient stored = patients.computeIfPresent(parts[0] + "/" + parts[1], (reference, patient) -> {
                patient.getMeta().getTag().removeIf(tag -> removed.getTag(tag.getSystem(), tag.getCode()) != null);
                return patient;
            });
            return stored == null
                    ? "{\"resourceType\":\"OperationOutcome\"}"
                    : encode(new Parameters().addParameter("return", stored.getMeta()));
        }
        if (!method.equals("POST") || !body.contains("\"transaction\"")) {
            return "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}";
        }
        Bundle request = JSON.newJsonParser().parseResource(Bundle.class, body);
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Bundle.BundleEntryComponent entry : request.getEntry()) {
            String url = entry.getRequest().getUrl();
            boolean created = entry.getRequest().getMethod() == Bundle.HTTPVerb.POST;
            String type = entry.getResource().fhirType();
            String id =
                    !created && !url.contains("?") ? url.substring(url.indexOf('/') + 1) : "" + ids.incrementAndGet();
            if (entry.getResource() instanceof Patient patient) {
                store(id, patient);
            }
            response.addEntry()
                    .getResponse()
                    .setStatus(created ? "201 Created" : "200 OK")
                    .setLocation(type + "/" + id + "/_history/1");
        }
        return encode(response);
    }

    private Patient store(String id, Patient sent) {
        return patients.compute("Patient/" + id, (reference, stored) -> {
            Patient next = sent.copy();
            next.setId(reference);
            if (stored != null) {
                stored.getMeta().getTag().stream()
                        .filter(t -> next.getMeta().getTag(t.getSystem(), t.getCode()) == null)
                        .forEach(t -> next.getMeta().addTag(t.copy()));
            }
            next.getMeta()
                    .setVersionId(
                            stored == null
                                    ? "1"
                                    : Integer.toString(
                                            Integer.parseInt(stored.getMeta().getVersionId()) + 1));
            return next;
        });
    }

    /** A Patient written through this endpoint, as it would now be read. */
    public Optional<Patient> patient(String reference) {
        return Optional.ofNullable(patients.get(reference)).map(Patient::copy);
    }

    private static String encode(IBaseResource resource) {
        return JSON.newJsonParser().encodeResourceToString(resource);
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String tokenEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/auth/token";
    }

    /** An access token of a Backend Services client, as hapi-server issues it: the subject is the client id. */
    public String systemToken(String clientId) {
        return sign(new JWTClaimsSet.Builder().subject(clientId).claim("scope", "system/Patient.rs"));
    }

    /** An access token of a person logged in to the portal, with their role. */
    public String userToken(String username, String role) {
        return sign(new JWTClaimsSet.Builder()
                .subject(username)
                .claim("portal_role", role)
                .claim("scope", "openid fhirUser user/*.rs"));
    }

    /** A token from another issuer's key: refused whatever it says. */
    public static String foreignToken(String clientId) {
        return sign(newSigningKey(), "http://elsewhere.example", new JWTClaimsSet.Builder().subject(clientId));
    }

    private String sign(JWTClaimsSet.Builder claims) {
        return sign(signingKey, "http://127.0.0.1:" + server.getAddress().getPort(), claims.audience(baseUrl()));
    }

    private static String sign(RSAKey key, String issuer, JWTClaimsSet.Builder claims) {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                claims.issuer(issuer)
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(300)))
                        .jwtID(UUID.randomUUID().toString())
                        .build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static RSAKey newSigningKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client assertions ingest-adapters sent for its tokens. */
    public List<String> clientAssertions() {
        return clientAssertions;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    /** The next requests whose body contains {@code marker} get these statuses, in order; later ones 200. */
    public void answerFor(String marker, Integer... statuses) {
        scripts.computeIfAbsent(marker, m -> new ConcurrentLinkedQueue<>()).addAll(List.of(statuses));
    }

    /** Forgets what is left of a marker's script: its next requests get 200. */
    public void clear(String marker) {
        scripts.remove(marker);
    }

    /** The bodies of every request that had one (searches have none), in the order they came. */
    public List<String> bodies() {
        return bodies;
    }

    /** Every FHIR request as {@code METHOD path}, in the order they came. */
    public List<String> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
