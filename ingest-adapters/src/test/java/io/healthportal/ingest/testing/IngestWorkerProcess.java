package io.healthportal.ingest.testing;

import io.healthportal.testing.FreePort;
import io.healthportal.testing.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A second ingest-adapters, started from the jar this module's build packaged ({@code
 * target/ingest-adapters-*.jar}) as a child JVM with the settings a test gives it, so that a test can
 * kill a worker that holds messages (SIGKILL: {@link Process#destroyForcibly()} on Linux). Its log goes
 * to {@code target/ingest-worker.log}.
 */
public final class IngestWorkerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private final Process process;
    private final int port;

    private IngestWorkerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The packaged jar, once {@code package} has run ({@code verify} runs it before the ITs). */
    public static Optional<Path> jar() {
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("ingest-adapters-") && name.endsWith(".jar") && !name.contains("-plain");
                    })
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the worker with these Spring properties and environment, and waits for its readiness probe. */
    public static IngestWorkerProcess start(Map<String, String> properties, Map<String, String> environment) {
        Path jar = jar().orElseThrow(() -> new IllegalStateException("ingest-adapters jar not packaged"));
        int port = FreePort.find();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-jar",
                jar.toAbsolutePath().toString(),
                "--server.port=" + port,
                "--management.server.port=" + FreePort.find()));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log = Path.of("target", "ingest-worker.log").toAbsolutePath();
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            IngestWorkerProcess worker = new IngestWorkerProcess(builder.start(), port);
            Runtime.getRuntime().addShutdownHook(new Thread(worker.process::destroyForcibly, "stop-ingest-worker"));
            worker.awaitReady(log);
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hooks, no acknowledgements, connections dropped by the kernel. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitReady(Path log) {
        if (!Readiness.await(
                process, "ingest worker", URI.create("http://127.0.0.1:" + port + "/readyz"), READY_TIMEOUT, log)) {
            process.destroyForcibly();
            throw new IllegalStateException("ingest worker not ready after " + READY_TIMEOUT + "; see " + log);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
