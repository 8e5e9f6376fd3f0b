package io.healthportal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.smartclient.BackendServicesKey;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One hapi-server JVM on the postgres profile with a chosen {@code portal.fhir.storage-tuning}, its
 * output in a log file. The benchmark reads the server's own list of settings that differ from
 * stock HAPI from that log.
 */
final class HapiServerProcess implements AutoCloseable {

    /** The line hapi-server's StorageTuningReport logs at start, followed by a JSON array. */
    static final String SETTINGS_DIFF_MESSAGE = "Storage settings that differ from stock HAPI";

    /** USER_HZ, which Linux fixes at 100 on the architectures we run on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /** The benchmark's Backend Services client: it writes and reads everything, as partner systems do. */
    static final String CLIENT_ID = "benchmark";

    static final String SCOPE = "system/*.cruds";

    private final Process process;
    private final int port;
    private final Path log;
    private final BackendServicesKey clientKey;
    private final Thread shutdownHook;

    private HapiServerProcess(Process process, int port, Path log, BackendServicesKey clientKey) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.clientKey = clientKey;
        this.shutdownHook = new Thread(this::stop, "stop-hapi-server");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    static HapiServerProcess start(
            BenchmarkOptions options, String tuning, String databaseUrl, String user, String password, Path workDir)
            throws IOException {
        Files.createDirectories(workDir);
        int port = freePort();
        int managementPort = freePort();
        Path log = workDir.resolve("hapi-server.log");
        BackendServicesKey clientKey = BackendServicesKey.generate();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + options.serverHeap(),
                "-jar",
                options.serverJar().toAbsolutePath().toString(),
                "--spring.profiles.active=postgres",
                "--server.port=" + port,
                "--management.server.port=" + managementPort,
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
        command.addAll(options.serverArguments());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(workDir.toFile());
        builder.environment().put("POSTGRES_URL", databaseUrl);
        builder.environment().put("POSTGRES_USER", user);
        builder.environment().put("POSTGRES_PASSWORD", password);
        return new HapiServerProcess(builder.start(), port, log, clientKey);
    }

    /** The load client's tokens, from this server's token endpoint. */
    BackendServicesClient client() {
        return new BackendServicesClient(URI.create(fhirBase()), CLIENT_ID, SCOPE, clientKey);
    }

    String fhirBase() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /**
     * CPU time the server JVM has used so far (user and system, all threads: request handling, JIT,
     * GC), from {@code /proc/<pid>/stat}; zero where /proc is not available. Less disturbed by other
     * work on a shared machine than wall-clock throughput.
     */
    Duration cpuTime() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    /** Polls {@code /readyz} until it answers 200; fails if the server exits or the timeout passes. */
    Duration awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(10))
                .build();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "hapi-server exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(2000);
        }
        throw new IllegalStateException("hapi-server was not ready after " + timeout.toSeconds() + " s; see " + log);
    }

    /** The server's own list of settings that differ from stock HAPI, as it logged it at start. */
    JsonNode settingsDifferingFromStock(ObjectMapper json) throws IOException {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int at = line.indexOf(SETTINGS_DIFF_MESSAGE);
            if (at >= 0) {
                return json.readTree(line.substring(line.indexOf("): ", at) + 3));
            }
        }
        throw new IllegalStateException("hapi-server did not log '" + SETTINGS_DIFF_MESSAGE + "'; see " + log);
    }

    /** SIGTERM, then SIGKILL if the server has not stopped within a minute. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
