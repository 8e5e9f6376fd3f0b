package io.healthportal.ingest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A local endpoint speaking AWS KMS's wire protocol (JSON 1.1, {@code X-Amz-Target: TrentService.*})
 * for {@code GenerateDataKey} and {@code Decrypt}, so that the real AWS SDK client is exercised without
 * AWS: neither LocalStack nor moto can run on this machine (no Docker, no PyPI). One symmetric key, named
 * by its ARN or an alias, wraps data keys with AES-GCM; the encryption context is authenticated, as in
 * KMS, so a wrapped key presented with another context fails with {@code InvalidCiphertextException}.
 * Requests must carry a SigV4 {@code Authorization} header scoped to the {@code kms} service and the
 * expected access key; {@link #failRequests} makes every call answer KMS's internal error.
 */
public final class LocalKms implements AutoCloseable {

    public static final String REGION = "eu-west-2";
    public static final String ALIAS = "alias/portal-archive";
    public static final String KEY_ARN = "arn:aws:kms:eu-west-2:000000000000:key/8a1d6e2c-test-0000-0000-000000000001";
    public static final String ACCESS_KEY_ID = "AKIALOCALKMSTEST0001";
    public static final String SECRET_ACCESS_KEY = "local-kms-test-secret";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SIGV4 = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/\\d{8}/" + REGION + "/kms/aws4_request,.*");

    private final HttpServer server;
    private final SecretKey masterKey;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile boolean failRequests;

    public LocalKms() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            masterKey = generator.generateKey();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many times {@code operation} ({@code GenerateDataKey}, {@code Decrypt}) was called. */
    public int calls(String operation) {
        return calls.computeIfAbsent(operation, o -> new AtomicInteger()).get();
    }

    public void failRequests(boolean fail) {
        failRequests = fail;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            if (authorization == null || !SIGV4.matcher(authorization).matches()) {
                error(exchange, 400, "UnrecognizedClientException", "not signed for kms with the expected key");
                return;
            }
            if (failRequests) {
                error(exchange, 500, "KMSInternalException", "local KMS told to fail");
                return;
            }
            String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
            calls.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
            switch (operation) {
                case "GenerateDataKey" -> generateDataKey(exchange, request);
                case "Decrypt" -> decrypt(exchange, request);
                default -> error(exchange, 400, "UnknownOperationException", operation);
            }
        } catch (GeneralSecurityException e) {
            error(exchange, 400, "InvalidCiphertextException", "the ciphertext or its encryption context is wrong");
        }
    }

    private void generateDataKey(HttpExchange exchange, JsonNode request) throws IOException, GeneralSecurityException {
        if (!knownKey(request.path("KeyId").asText())) {
            error(
                    exchange,
                    400,
                    "NotFoundException",
                    "no key " + request.path("KeyId").asText());
            return;
        }
        if (!"AES_256".equals(request.path("KeySpec").asText())) {
            error(exchange, 400, "ValidationException", "KeySpec must be AES_256 here");
            return;
        }
        byte[] plaintext = new byte[32];
        random.nextBytes(plaintext);
        ObjectNode response = JSON.createObjectNode()
                .put("KeyId", KEY_ARN)
                .put("Plaintext", Base64.getEncoder().encodeToString(plaintext))
                .put("CiphertextBlob", Base64.getEncoder().encodeToString(wrap(plaintext, context(request))));
        respond(exchange, 200, response);
    }

    private void decrypt(HttpExchange exchange, JsonNode request) throws IOException, GeneralSecurityException {
        String keyId = request.path("KeyId").asText(KEY_ARN);
        if (!knownKey(keyId)) {
            error(exchange, 400, "IncorrectKeyException", "the ciphertext was not wrapped by " + keyId);
            return;
        }
        byte[] blob = Base64.getDecoder().decode(request.path("CiphertextBlob").asText());
        byte[] plaintext = unwrap(blob, context(request));
        ObjectNode response = JSON.createObjectNode()
                .put("KeyId", KEY_ARN)
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT")
                .put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
        respond(exchange, 200, response);
    }

    private static boolean knownKey(String keyId) {
        return KEY_ARN.equals(keyId) || ALIAS.equals(keyId);
    }

    /** The encryption context in a canonical order, authenticated with the wrapped key. */
    private static byte[] context(JsonNode request) {
        Map<String, String> context = new TreeMap<>();
        request.path("EncryptionContext")
                .fields()
                .forEachRemaining(e -> context.put(e.getKey(), e.getValue().asText()));
        return context.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] wrap(byte[] plaintext, byte[] context) throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, masterKey, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(context);
        byte[] sealed = cipher.doFinal(plaintext);
        return ByteBuffer.allocate(nonce.length + sealed.length)
                .put(nonce)
                .put(sealed)
                .array();
    }

    private byte[] unwrap(byte[] blob, byte[] context) throws GeneralSecurityException {
        if (blob.length < 12 + 16) {
            throw new GeneralSecurityException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, masterKey, new GCMParameterSpec(128, blob, 0, 12));
        cipher.updateAAD(context);
        return cipher.doFinal(blob, 12, blob.length - 12);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        respond(exchange, status, JSON.createObjectNode().put("__type", type).put("message", message));
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
