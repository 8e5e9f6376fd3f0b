package io.healthportal.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.hl7v2.MllpListeners;
import io.healthportal.ingest.testing.HapiServerProcess;
import io.healthportal.ingest.testing.IngestWorkerProcess;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.RequiresEndToEndServices;
import io.healthportal.ingest.testing.ScriptedFhirEndpoint;
import io.healthportal.ingest.testing.TcpProxy;
import io.healthportal.ingest.testing.TestRabbitMq;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.testing.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Faults on the real RabbitMQ ({@code rabbitmq} profile, quorum partition queues of this run) with a real
 * hapi-server (the one {@link HapiServerProcess} of the test JVM, shared with {@link EndToEndIT}): after
 * each fault every accepted message is in hapi-server exactly once (resources and identifiers counted)
 * and nothing is dead-lettered. hapi-server is reached through a {@link TcpProxy}, so its port can refuse
 * connections without stopping the shared server. Slow: a hapi-server start (shared), a worker JVM
 * start, a broker restart (which every user of the test RabbitMQ sees for a few seconds) and a
 * 30-second outage.
 */
@RequiresEndToEndServices
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"postgres", "rabbitmq"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultsIT {

    private static final String QUEUE = "ingest.receipts.faults-" + UUID.randomUUID();
    private static final String MRN_SYSTEM = "https://demo-lab.example.nhs.uk/Id/mrn";
    private static final String VISIT_SYSTEM = "https://demo-lab.example.nhs.uk/Id/visit";
    private static final String[] DATABASE = new String[1];
    private static final Path DATA_DIR = temporaryDirectory();
    private static TcpProxy proxy;

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Autowired
    IngestProperties properties;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres postgres = TestPostgres.instance();
        DATABASE[0] = postgres.newDatabase("faults_ingest");
        registry.add("spring.datasource.url", () -> DATABASE[0]);
        registry.add("spring.datasource.username", postgres::user);
        registry.add("spring.datasource.password", postgres::password);
        registry.add("portal.data-dir", DATA_DIR::toString);
        registry.add("INGEST_DEMO_LAB_MLLP_PORT", () -> 0);
        registry.add("RABBITMQ_HOST", () -> TestRabbitMq.HOST);
        registry.add("RABBITMQ_PORT", () -> TestRabbitMq.PORT);
        registry.add("portal.ingest.broker.queue", () -> QUEUE);
        registry.add("portal.ingest.broker.partitions", () -> 2);
        registry.add("portal.ingest.fhir-base-url", () -> "http://localhost:" + proxy().port() + "/fhir");
        registry.add(
                "portal.ingest.auth.key-file", () -> HapiServerProcess.start().clientKeyFile());
        registry.add("portal.ingest.retry.initial-backoff", () -> "200ms");
        registry.add("portal.ingest.retry.max-backoff", () -> "2s");
        registry.add("management.server.port", () -> 0);
    }

    private static synchronized TcpProxy proxy() {
        if (proxy == null) {
            proxy = new TcpProxy(
                    URI.create(HapiServerProcess.start().fhirBaseUrl()).getPort());
        }
        return proxy;
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
        proxy().close();
    }

    @Test
    void whileHapiServersPortRefusesConnectionsForThirtySecondsMessagesAreRetriedAndAllLandOnce() throws Exception {
        List<String> mrns = newMrns(6);
        double retriesBefore = meters.counter("ingest.fhir.write.retries").count();
        proxy().refuse();
        try {
            mrns.forEach(this::admit);
            await().during(Duration.ofSeconds(30))
                    .atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> finished(mrns) == 0);
            assertThat(meters.counter("ingest.fhir.write.retries").count()).isGreaterThan(retriesBefore);
        } finally {
            proxy().open();
        }

        awaitAllWritten(mrns);
        assertEachStoredExactlyOnce(mrns);
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
                            DATABASE[0],
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

    private void admit(String mrn) {
        String message = "MSH|^~\\&|PAS|CLINIC|PORTAL|NHS|20260401090000||ADT^A01^ADT_A01|F" + mrn + "|P|2.5.1\r"
                + "EVN|A01|20260401090000\r"
                + "PID|1||" + mrn + "^^^CLINIC^MR||FAULT^TEST||19800101|F\r"
                + "PV1|1|I|WARD1||||||||||||||||" + mrn + "-V1\r";
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            assertThat(client.send(message)).contains("MSA|AA|");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int finished(List<String> mrns) {
        return count("status <> 'ACCEPTED'", mrns);
    }

    private int count(String condition, List<String> mrns) {
        return mrns.stream()
                .mapToInt(mrn -> jdbc.queryForObject(
                        "SELECT count(*) FROM receipt WHERE message_id = ? AND " + condition, Integer.class, "F" + mrn))
                .sum();
    }

    private void awaitAllWritten(List<String> mrns) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> count("status = 'WRITTEN'", mrns) == mrns.size());
        assertThat(count("true", mrns)).as("one receipt per message").isEqualTo(mrns.size());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter", Integer.class))
                .as("nothing dead-lettered")
                .isZero();
    }

    /** Each MRN: one Patient carrying it once, one Encounter for its visit, one Provenance per receipt. */
    private void assertEachStoredExactlyOnce(List<String> mrns) {
        IGenericClient fhir = hapiServer();
        for (String mrn : mrns) {
            Bundle patients = fhir.search()
                    .byUrl("Patient?identifier=" + MRN_SYSTEM + "|" + mrn)
                    .returnBundle(Bundle.class)
                    .execute();
            assertThat(patients.getEntry()).as("Patients with MRN %s", mrn).hasSize(1);
            Patient patient = (Patient) patients.getEntryFirstRep().getResource();
            assertThat(patient.getIdentifier().stream().filter(i -> mrn.equals(i.getValue())))
                    .hasSize(1);
            Bundle encounters = fhir.search()
                    .byUrl("Encounter?identifier=" + VISIT_SYSTEM + "|" + mrn + "-V1")
                    .returnBundle(Bundle.class)
                    .execute();
            assertThat(encounters.getEntry())
                    .as("Encounters of visit %s-V1", mrn)
                    .hasSize(1);
            UUID receipt = jdbc.queryForObject("SELECT id FROM receipt WHERE message_id = ?", UUID.class, "F" + mrn);
            Bundle provenances = fhir.search()
                    .byUrl("Provenance?target=" + patient.getIdElement().toUnqualifiedVersionless())
                    .returnBundle(Bundle.class)
                    .execute();
            assertThat(provenances.getEntry()).hasSize(1);
            assertThat(provenances
                            .getEntryFirstRep()
                            .getResource()
                            .getIdElement()
                            .getIdPart())
                    .contains(receipt.toString());
        }
    }

    private IGenericClient hapiServer() {
        IGenericClient fhir = FhirContext.forR4Cached()
                .newRestfulGenericClient(HapiServerProcess.start().fhirBaseUrl());
        BackendServicesClient reader = HapiServerProcess.start().client();
        fhir.registerInterceptor(new IClientInterceptor() {
            @Override
            public void interceptRequest(IHttpRequest request) {
                request.addHeader("Authorization", "Bearer " + reader.accessToken());
            }

            @Override
            public void interceptResponse(IHttpResponse response) {
                // nothing to inspect
            }
        });
        return fhir;
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

    private static List<String> newMrns(int count) {
        return IntStream.range(0, count)
                .mapToObj(i ->
                        "FLT" + UUID.randomUUID().toString().replace("-", "").substring(0, 10))
                .toList();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("ingest-faults");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
