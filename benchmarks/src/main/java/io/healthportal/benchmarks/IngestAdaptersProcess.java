package io.healthportal.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One ingest-adapters JVM on the postgres profile (its own fresh database), writing to a given
 * hapi-server as a given Backend Services client, with either its embedded broker on a free port or
 * the external RabbitMQ (a queue of its own), its output in a log file.
 */
final class IngestAdaptersProcess implements AutoCloseable {

    private final ChildJvm jvm;
    private final int mllpPort;

    private IngestAdaptersProcess(ChildJvm jvm, int mllpPort) {
        this.jvm = jvm;
        this.mllpPort = mllpPort;
    }

    /**
     * @param consumers concurrent queue consumers (Spring AMQP listener concurrency)
     * @param rabbitMq the external RabbitMQ (the rabbitmq profile) instead of the embedded broker
     * @param scope what ingest-adapters asks hapi-server for; the client must be registered with it
     */
    static IngestAdaptersProcess start(
            Path jar,
            String heap,
            int consumers,
            boolean rabbitMq,
            String fhirBaseUrl,
            String clientId,
            String scope,
            Path clientKeyFile,
            String databaseUrl,
            String user,
            String password,
            Path workDir)
            throws IOException {
        Files.createDirectories(workDir);
        int port = ChildJvm.freePort();
        int mllpPort = ChildJvm.freePort();
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.profiles.active=" + (rabbitMq ? "postgres,rabbitmq" : "postgres"),
                "--server.port=" + port,
                "--management.server.port=" + ChildJvm.freePort(),
                "--portal.data-dir=" + workDir.resolve("ingest-data").toAbsolutePath(),
                "--portal.ingest.fhir-base-url=" + fhirBaseUrl,
                // The demo laboratory's client: ingest-adapters writes each partner's data as that partner.
                "--portal.ingest.auth.client-ids." + IngestBenchmarkCommand.PARTNER + "=" + clientId,
                "--portal.ingest.auth.scope=" + scope,
                "--portal.ingest.auth.key-file=" + clientKeyFile.toAbsolutePath(),
                // The demo laboratory partner of ingest-adapters' configuration: HL7 v2 over MLLP.
                "--INGEST_DEMO_LAB_MLLP_PORT=" + mllpPort,
                "--spring.rabbitmq.listener.simple.concurrency=" + consumers,
                "--spring.rabbitmq.listener.simple.max-concurrency=" + consumers));
        if (rabbitMq) {
            arguments.add("--portal.ingest.broker.queue=ingest.receipts.benchmark-" + UUID.randomUUID());
        } else {
            arguments.add("--INGEST_BROKER_PORT=" + ChildJvm.freePort());
        }
        Map<String, String> environment =
                Map.of("POSTGRES_URL", databaseUrl, "POSTGRES_USER", user, "POSTGRES_PASSWORD", password);
        return new IngestAdaptersProcess(
                ChildJvm.start("ingest-adapters", jar, heap, port, arguments, environment, workDir), mllpPort);
    }

    int mllpPort() {
        return mllpPort;
    }

    long pid() {
        return jvm.pid();
    }

    Duration cpuTime() {
        return CpuTime.ofProcess(jvm.pid());
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        jvm.awaitReady(timeout);
    }

    @Override
    public void close() {
        jvm.close();
    }
}
