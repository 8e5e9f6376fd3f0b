package io.healthportal.ingest.testing;

import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.smartclient.BackendServicesKey;
import io.healthportal.testing.FreePort;
import io.healthportal.testing.Readiness;
import io.healthportal.testing.TestPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real hapi-server, started from the jar the reactor built ({@code hapi-server/target/hapi-server-*.jar})
 * as a child JVM with the {@code postgres} profile on a fresh database of this run and a free port, and
 * stopped at JVM exit. Its log goes to {@code ingest-adapters/target/hapi-server-e2e.log}.
 */
public final class HapiServerProcess {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static HapiServerProcess running;

    /**
     * The tests' own Backend Services client of hapi-server, without a role: it reads back what ingest
     * wrote, whoever's it is.
     */
    public static final String CLIENT_ID = "ingest-e2e";

    /**
     * The partners of ingest-adapters' default configuration and of EndToEndIT's
     * ({@code application-e2e-partners.yaml}): hapi-server registers each one's client
     * ({@code ingest-<partner id>}, ingest's default) with the partner role and the same key as {@link
     * #CLIENT_ID}'s, as the embedded default's demo logins do.
     */
    public static final List<String> PARTNERS =
            List.of("demo-lab", "demo-pharmacy", "demo-portal", "demo-clinic", "demo-gp", "clinic-a", "pharmacy-c");

    /** What ingest-adapters writes, and so what the test reads back. */
    public static final String SCOPES = "system/Patient.crus system/Encounter.crus system/Observation.crus"
            + " system/DiagnosticReport.crus system/MedicationDispense.crus system/MedicationRequest.crus"
            + " system/MedicationStatement.crus system/Immunization.crus system/Condition.crus"
            + " system/AllergyIntolerance.crus system/Appointment.crus system/Slot.crus system/Schedule.crus"
            + " system/Provenance.crus system/Procedure.crus system/ServiceRequest.crus system/Specimen.crus"
            + " system/Location.crus system/Organization.crus";

    private final Process process;
    private final int port;
    private final Path clientKeyFile;

    private HapiServerProcess(Process process, int port, Path clientKeyFile) {
        this.process = process;
        this.port = port;
        this.clientKeyFile = clientKeyFile;
    }

    /** The hapi-server jar, when the reactor has built one. */
    public static Optional<Path> jar() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path target = dir.resolve("hapi-server").resolve("target");
            if (Files.isDirectory(target)) {
                try (Stream<Path> files = Files.list(target)) {
                    return files.filter(p -> {
                                String name = p.getFileName().toString();
                                return name.startsWith("hapi-server-")
                                        && name.endsWith(".jar")
                                        && !name.endsWith("-plain.jar")
                                        && !name.endsWith("-sources.jar");
                            })
                            .findFirst();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /** Starts hapi-server once per JVM and waits for its readiness probe. */
    public static synchronized HapiServerProcess start() {
        if (running != null) {
            return running;
        }
        Path jar = jar().orElseThrow(() -> new IllegalStateException("hapi-server jar not built"));
        TestPostgres postgres = TestPostgres.instance();
        String url = postgres.newDatabase("e2e_fhir");
        int port = FreePort.find();
        int managementPort = FreePort.find();
        try {
            Path dataDir = Files.createTempDirectory("hapi-e2e");
            Path clientKeyFile = dataDir.resolve("ingest-e2e-client-key.json");
            String clientJwks = BackendServicesKey.load(clientKeyFile, true).publicKeysJson();
            Path log = Path.of("target", "hapi-server-e2e.log").toAbsolutePath();
            Files.createDirectories(log.getParent());
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx768m",
                    "-jar",
                    jar.toString(),
                    "--spring.profiles.active=postgres",
                    "--server.port=" + port,
                    "--management.server.port=" + managementPort,
                    "--portal.data-dir=" + dataDir,
                    // The postgres profile takes its signing keys from a mounted key store; here a new one.
                    "--portal.auth.key-store=" + dataDir.resolve("signing-keys.p12"),
                    "--portal.auth.key-store-password=" + UUID.randomUUID(),
                    "--portal.auth.create-key-store-if-missing=true",
                    "--portal.auth.backend-clients." + CLIENT_ID + ".jwks=" + clientJwks,
                    "--portal.auth.backend-clients." + CLIENT_ID + ".scopes=" + SCOPES.replace(' ', ',')));
            for (String partner : PARTNERS) {
                String client = "--portal.auth.backend-clients.ingest-" + partner;
                command.add(client + ".jwks=" + clientJwks);
                command.add(client + ".scopes=" + SCOPES.replace(' ', ','));
                command.add(client + ".role=partner");
                command.add(client + ".partner-id=" + partner);
            }
            // ingest's default patient verifier client, through which its operator API verifies Patients.
            String verifier = "--portal.auth.backend-clients.ingest-patient-verifier";
            command.add(verifier + ".jwks=" + clientJwks);
            command.add(verifier + ".scopes=system/Patient.u");
            command.add(verifier + ".role=patient-verifier");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("POSTGRES_URL", url);
            builder.environment().put("POSTGRES_USER", postgres.user());
            builder.environment().put("POSTGRES_PASSWORD", postgres.password());
            Process process = builder.start();
            HapiServerProcess server = new HapiServerProcess(process, port, clientKeyFile);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-hapi-server"));
            server.awaitReady(log.toFile());
            running = server;
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String fhirBaseUrl() {
        return "http://localhost:" + port + "/fhir";
    }

    /**
     * The private key of {@link #CLIENT_ID} and of every partner's client, for ingest-adapters and for the
     * test's own reads.
     */
    public Path clientKeyFile() {
        return clientKeyFile;
    }

    /** A Backend Services client of this server, as {@link #CLIENT_ID}. */
    public BackendServicesClient client() {
        return new BackendServicesClient(
                URI.create(fhirBaseUrl()), CLIENT_ID, SCOPES, BackendServicesKey.load(clientKeyFile, false));
    }

    private void awaitReady(File log) {
        if (!Readiness.await(
                process, "hapi-server", URI.create("http://localhost:" + port + "/readyz"), READY_TIMEOUT, log)) {
            stop();
            throw new IllegalStateException("hapi-server not ready after " + READY_TIMEOUT + "; see " + log);
        }
    }

    private void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
