package io.healthportal.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.testing.IngestWorkerProcess;
import io.healthportal.ingest.testing.ScriptedFhirEndpoint;
import io.healthportal.ingest.testing.TestRabbitMq;
import io.healthportal.testing.TestPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Faults on the real RabbitMQ ({@code rabbitmq} profile, quorum partition queues of this run), beside
 * {@link FaultsTestBase}'s refused hapi-server port: a worker JVM killed while it holds unacknowledged
 * messages, and the broker restarted mid-stream. Slow: a worker JVM start, a broker restart (which every
 * user of the test RabbitMQ sees for a few seconds) and a 30-second outage.
 */
@ActiveProfiles({"postgres", "rabbitmq"})
class FaultsIT extends FaultsTestBase {

    private static final String QUEUE = "ingest.receipts.faults-" + UUID.randomUUID();

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Autowired
    IngestProperties properties;

    @DynamicPropertySource
    static void rabbitMq(DynamicPropertyRegistry registry) {
        registry.add("RABBITMQ_HOST", () -> TestRabbitMq.HOST);
        registry.add("RABBITMQ_PORT", () -> TestRabbitMq.PORT);
        registry.add("portal.ingest.broker.queue", () -> QUEUE);
    }

    @AfterAll
    void deleteTheRunsQueues() throws Exception {
        listeners.stop();
        try (Connection connection = rabbitConnection();
                Channel channel = connection.createChannel()) {
            for (int p = 0; p < properties.broker().partitions(); p++) {
                channel.queueDelete(properties.broker().partitionQueue(p));
            }
        }
    }

    @Test
    void aWorkerKilledWhileHoldingUnacknowledgedMessagesLeavesThemToTheRemainingConsumer() throws Exception {
        List<String> mrns = newMrns(6);
        // This process stops consuming, so the worker is the single active consumer of every partition.
        listeners.stop();
        try (ScriptedFhirEndpoint unavailable = new ScriptedFhirEndpoint()) {
            Integer[] always503 = new Integer[10_000];
            Arrays.fill(always503, 503);
            unavailable.answerFor("\"resourceType\"", always503);
            TestPostgres postgres = TestPostgres.instance();
            IngestWorkerProcess worker = IngestWorkerProcess.start(
                    Map.of(
                            "spring.profiles.active", "postgres,rabbitmq",
                            "portal.data-dir", DATA_DIR.toString(),
                            "portal.ingest.broker.queue", QUEUE,
                            "portal.ingest.broker.partitions", "2",
                            "portal.ingest.fhir-base-url", unavailable.baseUrl(),
                            "portal.ingest.auth.key-file",
                                    DATA_DIR.resolve("worker-client-key.json").toString(),
                            "portal.ingest.auth.create-key-if-missing", "true",
                            "portal.ingest.retry.initial-backoff", "200ms",
                            "portal.ingest.retry.max-backoff", "1s"),
                    Map.of(
                            "POSTGRES_URL",
                            database,
                            "POSTGRES_USER",
                            postgres.user(),
                            "POSTGRES_PASSWORD",
                            postgres.password(),
                            "RABBITMQ_HOST",
                            TestRabbitMq.HOST,
                            "RABBITMQ_PORT",
                            Integer.toString(TestRabbitMq.PORT),
                            "INGEST_DEMO_LAB_MLLP_PORT",
                            "0"));
            try {
                mrns.forEach(this::admit);
                // The worker has taken messages and is retrying them, unacknowledged, against a 503.
                await().atMost(Duration.ofMinutes(1))
                        .until(() -> mrns.stream()
                                        .filter(mrn ->
                                                unavailable.bodies().stream().anyMatch(b -> b.contains(mrn)))
                                        .count()
                                >= 1);
                assertThat(finished(mrns)).isZero();
                assertThat(readyMessages()).isLessThan(mrns.size());
            } finally {
                worker.kill();
            }
            assertThat(worker.isAlive()).isFalse();
        } finally {
            listeners.start();
        }

        awaitAllWritten(mrns);
        assertEachStoredExactlyOnce(mrns);
        assertThat(readyMessages()).isZero();
    }

    /**
     * The broker's application stopped and started ({@code rabbitmqctl stop_app}/{@code start_app}; the
     * durable quorum queues and their persistent messages survive) while messages are queued and held
     * unacknowledged, and while more are accepted: those wait in the outbox until the broker is back.
     */
    @Test
    void aBrokerRestartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        Assumptions.assumeTrue(rabbitmqctl("status") == 0, "rabbitmqctl cannot manage the test broker here");
        List<String> queued = newMrns(4);
        List<String> duringOutage = newMrns(4);
        proxy().refuse();
        try {
            queued.forEach(this::admit);
            // On the broker: published, and held by the consumers retrying against the refused port.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> count(
                                    "EXISTS (SELECT 1 FROM outbox o WHERE o.receipt_id = receipt.id"
                                            + " AND o.status = 'PUBLISHED')",
                                    queued)
                            == queued.size());
            assertThat(rabbitmqctl("stop_app")).isZero();
            try {
                duringOutage.forEach(this::admit);
                assertThat(count("status = 'ACCEPTED'", duringOutage)).isEqualTo(duringOutage.size());
            } finally {
                assertThat(rabbitmqctl("start_app")).isZero();
            }
        } finally {
            proxy().open();
        }

        List<String> all = new java.util.ArrayList<>(queued);
        all.addAll(duringOutage);
        awaitAllWritten(all);
        assertEachStoredExactlyOnce(all);
        await().atMost(Duration.ofSeconds(30)).until(() -> readyMessages() == 0);
    }

    private static int rabbitmqctl(String command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder("rabbitmqctl", command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Messages waiting in this run's partition queues, not counting those delivered and unacknowledged. */
    private int readyMessages() throws Exception {
        try (Connection connection = rabbitConnection();
                Channel channel = connection.createChannel()) {
            return IntStream.range(0, properties.broker().partitions())
                    .map(p -> {
                        try {
                            return channel.queueDeclarePassive(
                                            properties.broker().partitionQueue(p))
                                    .getMessageCount();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .sum();
        }
    }

    private static Connection rabbitConnection() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(TestRabbitMq.HOST);
        factory.setPort(TestRabbitMq.PORT);
        return factory.newConnection();
    }
}
