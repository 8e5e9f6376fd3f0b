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
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.HapiServerProcess;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.healthportal.ingest.testing.RequiresEndToEndServices;
import io.healthportal.ingest.testing.TestRabbitMq;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * MLLP in, through the real RabbitMQ (the {@code rabbitmq} profile, a quorum queue of this run) into a
 * real hapi-server (its jar, started once as a child process on a fresh PostgreSQL database), and FHIR
 * search finds the Observation and its Provenance. The slow scenario of the module: keep it to one
 * server start.
 */
@RequiresCorpus
@RequiresEndToEndServices
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"postgres", "rabbitmq"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndIT {

    private static final String QUEUE = "ingest.receipts.e2e-" + UUID.randomUUID();
    private static final String ORDER_SYSTEM = "https://demo-lab.example.nhs.uk/Id/filler-order";

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        TestPostgres postgres = TestPostgres.instance();
        String url = postgres.newDatabase("e2e_ingest");
        String dataDir = Files.createTempDirectory("ingest-e2e").toString();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", postgres::user);
        registry.add("spring.datasource.password", postgres::password);
        registry.add("portal.data-dir", () -> dataDir);
        registry.add("INGEST_DEMO_LAB_MLLP_PORT", () -> 0);
        registry.add("RABBITMQ_HOST", () -> TestRabbitMq.HOST);
        registry.add("RABBITMQ_PORT", () -> TestRabbitMq.PORT);
        registry.add("portal.ingest.broker.queue", () -> QUEUE);
        registry.add(
                "portal.ingest.fhir-base-url", () -> HapiServerProcess.start().fhirBaseUrl());
        registry.add(
                "portal.ingest.auth.key-file", () -> HapiServerProcess.start().clientKeyFile());
        registry.add("management.server.port", () -> 0);
    }

    /**
     * The listeners are stopped first: a running container sees its consumer cancelled and declares the
     * queue again.
     */
    @AfterAll
    void deleteTheRunsQueues(
            @Autowired RabbitListenerEndpointRegistry listeners, @Autowired IngestProperties properties)
            throws Exception {
        listeners.stop();
        try (Connection connection = rabbitConnection();
                Channel channel = connection.createChannel()) {
            for (int p = 0; p < properties.broker().partitions(); p++) {
                channel.queueDelete(properties.broker().partitionQueue(p));
            }
        }
    }

    @Test
    void anOruSentOverMllpIsFoundInHapiServerWithItsProvenanceAndAReplayUpdatesIt() throws Exception {
        String filler = "E2E" + UUID.randomUUID().toString().substring(0, 8);
        String mrn = "M" + UUID.randomUUID().toString().substring(0, 8);
        String first = message("C1-" + filler, filler, mrn);
        send(first);
        awaitWritten("C1-" + filler);

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
        Bundle found = fhir.search()
                .forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(ORDER_SYSTEM, filler + "/11273-0"))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(found.getEntry()).hasSize(1);
        Observation observation = (Observation) found.getEntryFirstRep().getResource();
        assertThat(observation.getValueQuantity().getValue()).isEqualByComparingTo("4.06");
        assertThat(observation.getMeta().getSource())
                .startsWith("urn:healthportal:partner:demo-lab:message:C1-" + filler);
        assertThat(observation.getSubject().getReference()).startsWith("Patient/");

        Bundle provenances = fhir.search()
                .forResource(Provenance.class)
                .where(Provenance.TARGET.hasId(observation.getIdElement().toUnqualifiedVersionless()))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(provenances.getEntry()).hasSize(1);
        Provenance provenance = (Provenance) provenances.getEntryFirstRep().getResource();
        UUID receipt = jdbc.queryForObject("SELECT id FROM receipt WHERE message_id = ?", UUID.class, "C1-" + filler);
        assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getValue())
                .isEqualTo(receipt.toString());

        // The partner sends the same result again under a new control id: updated, not duplicated.
        send(message("C2-" + filler, filler, mrn));
        awaitWritten("C2-" + filler);
        Bundle again = fhir.search()
                .forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(ORDER_SYSTEM, filler + "/11273-0"))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(again.getEntry()).hasSize(1);
        assertThat(again.getEntryFirstRep().getResource().getIdElement().getIdPart())
                .isEqualTo(observation.getIdElement().getIdPart());
        Bundle patients = fhir.search()
                .byUrl("Patient?identifier=https://demo-lab.example.nhs.uk/Id/mrn|" + mrn)
                .returnBundle(Bundle.class)
                .execute();
        assertThat(patients.getEntry()).hasSize(1);

        // The rabbitmq profile declared quorum queues with a single active consumer: declaring one again
        // so is accepted (RabbitMQ refuses a declaration whose arguments differ from the existing queue's).
        try (Connection connection = rabbitConnection();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(
                    QUEUE + ".0",
                    true,
                    false,
                    false,
                    java.util.Map.of("x-queue-type", "quorum", "x-single-active-consumer", true));
        }
    }

    /**
     * A token hapi-server really issued is authentic to the HTTP intake (not 401), and the caller it
     * names is the client it was issued to: ingest-adapters' own client is not partner demo-lab.
     */
    @Test
    void theHttpIntakeReadsTheCallerFromAHapiServerToken(@LocalServerPort int port) throws Exception {
        String token = HapiServerProcess.start().client().accessToken();
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ingest/demo-lab"))
                                .header("Authorization", "Bearer " + token)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "MSH|^~\\&|X|Y|Z|W|20261126||ORU^R01|T1|P|2.5.1\r"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("INGEST-WRONG-CALLER");
    }

    private static Connection rabbitConnection() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(TestRabbitMq.HOST);
        factory.setPort(TestRabbitMq.PORT);
        return factory.newConnection();
    }

    private void send(String message) throws IOException {
        try (MllpClient client = new MllpClient(mllp.port("demo-lab"))) {
            assertThat(client.send(message)).contains("MSA|AA|");
        }
    }

    private void awaitWritten(String controlId) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "WRITTEN"
                        .equals(jdbc
                                .query(
                                        "SELECT status FROM receipt WHERE message_id = ?",
                                        (rs, n) -> rs.getString(1),
                                        controlId)
                                .stream()
                                .findFirst()
                                .orElse("")));
    }

    /** The corpus lab result with this run's control id, filler order numbers and MRN. */
    private static String message(String controlId, String filler, String mrn) {
        return Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7")
                .replaceFirst("\\|ORU\\^R01\\|[^|]*\\|", "|ORU^R01|" + controlId + "|")
                .replace("10006579", mrn)
                .replace("82503246", filler)
                .replace("890775544", filler + "B");
    }
}
