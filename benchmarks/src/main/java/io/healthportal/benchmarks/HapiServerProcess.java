package io.healthportal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.smartclient.BackendServicesKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One hapi-server JVM on the postgres profile with a chosen {@code portal.fhir.storage-tuning}, its
 * output in a log file. The benchmark reads the server's own list of settings that differ from
 * stock HAPI from that log.
 */
final class HapiServerProcess implements AutoCloseable {

    /** The line hapi-server's StorageTuningReport logs at start, followed by a JSON array. */
    static final String SETTINGS_DIFF_MESSAGE = "Storage settings that differ from stock HAPI";

    /** The benchmark's Backend Services client: it writes and reads everything, as partner systems do. */
    static final String CLIENT_ID = "benchmark";

    static final String SCOPE = "system/*.cruds";

    private final ChildJvm jvm;
    private final BackendServicesKey clientKey;

    private HapiServerProcess(ChildJvm jvm, BackendServicesKey clientKey) {
        this.jvm = jvm;
        this.clientKey = clientKey;
    }

    /**
     * @param serverJar hapi-server's Spring Boot jar
     * @param heap the server JVM's {@code -Xmx}
     * @param extraArguments appended to the command line, e.g. another client's registration
     */
    static HapiServerProcess start(
            Path serverJar,
            String heap,
            List<String> extraArguments,
            String tuning,
            String databaseUrl,
            String user,
            String password,
            Path workDir)
            throws IOException {
        Files.createDirectories(workDir);
        int port = ChildJvm.freePort();
        BackendServicesKey clientKey = BackendServicesKey.generate();
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.profiles.active=postgres",
                "--server.port=" + port,
                "--management.server.port=" + ChildJvm.freePort(),
                "--portal.data-dir=" + workDir.resolve("data").toAbsolutePath(),
                "--portal.fhir.storage-tuning=" + tuning,
                "--logging.level.ca.uhn.fhir.jpa.migrate=WARN",
                // The postgres profile takes its signing keys from a mounted key store; here a new one.
                "--portal.auth.key-store=" + workDir.resolve("signing-keys.p12").toAbsolutePath(),
                "--portal.auth.key-store-password=" + UUID.randomUUID(),
                "--portal.auth.create-key-store-if-missing=true",
                // The load client is a Backend Services client registered through the configuration.
                "--portal.auth.backend-clients." + CLIENT_ID + ".jwks=" + clientKey.publicKeysJson(),
                "--portal.auth.backend-clients." + CLIENT_ID + ".scopes=" + SCOPE));
        arguments.addAll(extraArguments);
        Map<String, String> environment =
                Map.of("POSTGRES_URL", databaseUrl, "POSTGRES_USER", user, "POSTGRES_PASSWORD", password);
        return new HapiServerProcess(
                ChildJvm.start("hapi-server", serverJar, heap, port, arguments, environment, workDir), clientKey);
    }

    /** The load client's tokens, from this server's token endpoint. */
    BackendServicesClient client() {
        return new BackendServicesClient(URI.create(fhirBase()), CLIENT_ID, SCOPE, clientKey);
    }

    String fhirBase() {
        return "http://127.0.0.1:" + jvm.port() + "/fhir";
    }

    long pid() {
        return jvm.pid();
    }

    /** CPU time the server JVM has used so far: request handling, JIT and GC. */
    Duration cpuTime() {
        return CpuTime.ofProcess(jvm.pid());
    }

    Duration awaitReady(Duration timeout) throws InterruptedException {
        return jvm.awaitReady(timeout);
    }

    /** The server's own list of settings that differ from stock HAPI, as it logged it at start. */
    JsonNode settingsDifferingFromStock(ObjectMapper json) throws IOException {
        for (String line : Files.readAllLines(jvm.log(), StandardCharsets.UTF_8)) {
            int at = line.indexOf(SETTINGS_DIFF_MESSAGE);
            if (at >= 0) {
                return json.readTree(line.substring(line.indexOf("): ", at) + 3));
            }
        }
        throw new IllegalStateException("hapi-server did not log '" + SETTINGS_DIFF_MESSAGE + "'; see " + jvm.log());
    }

    @Override
    public void close() {
        jvm.close();
    }
}
