package io.healthportal.ingest.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP endpoint standing in for hapi-server where a test needs to choose its answers (a 503 once, a
 * 400): it records every request body and answers from a script per marker found in the body, then with an empty transaction
 * response. Like hapi-server it names its token endpoint in {@code .well-known/smart-configuration},
 * hands out a token for a Backend Services client assertion, and answers 401 to a FHIR request without
 * that token. The end-to-end test uses the real hapi-server instead.
 */
public final class ScriptedFhirEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Queue<Integer>> scripts = new ConcurrentHashMap<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> clientAssertions = new CopyOnWriteArrayList<>();
    private static final String TOKEN = "scripted-access-token";

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
            bodies.add(body);
            Integer status = scripts.entrySet().stream()
                    .filter(e -> body.contains(e.getKey()))
                    .map(e -> e.getValue().poll())
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            int code = status == null ? 200 : status;
            byte[] answer = (code == 200
                            ? "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}"
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

    public List<String> bodies() {
        return bodies;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
