package io.healthportal.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import io.healthportal.ingest.hl7v2.MllpListeners;
import io.healthportal.ingest.testing.HapiServerProcess;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.RequiresEndToEndServices;
import io.healthportal.ingest.testing.TcpProxy;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.testing.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Faults with a real hapi-server (the one {@link HapiServerProcess} of the test JVM, shared with {@link
 * EndToEndIT}), on each broker: {@link FaultsIT} on the real RabbitMQ, {@link EmbeddedBrokerFaultsIT} on
 * the embedded one. After each fault every accepted message is in hapi-server exactly once (resources and
 * identifiers counted) and nothing is dead-lettered. hapi-server is reached through a {@link TcpProxy},
 * so its port can refuse connections without stopping the shared server. Each subclass is its own Spring
 * context on its own ingest database.
 */
@RequiresEndToEndServices
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FaultsTestBase {

    private static final String MRN_SYSTEM = "https://demo-lab.example.nhs.uk/Id/mrn";
    private static final String VISIT_SYSTEM = "https://demo-lab.example.nhs.uk/Id/visit";
    static final Path DATA_DIR = temporaryDirectory();
    private static TcpProxy proxy;

    @Autowired
    MllpListeners mllp;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    /** This context's ingest database. */
    @Value("${spring.datasource.url}")
    String database;

    @DynamicPropertySource
    static void commonProperties(DynamicPropertyRegistry registry) {
        TestPostgres postgres = TestPostgres.instance();
        String database = postgres.newDatabase("faults_ingest");
        registry.add("spring.datasource.url", () -> database);
        registry.add("spring.datasource.username", postgres::user);
        registry.add("spring.datasource.password", postgres::password);
        registry.add("portal.data-dir", DATA_DIR::toString);
        registry.add("INGEST_DEMO_LAB_MLLP_PORT", () -> 0);
        registry.add("portal.ingest.broker.partitions", () -> 2);
        registry.add("portal.ingest.fhir-base-url", () -> "http://localhost:" + proxy().port() + "/fhir");
        registry.add(
                "portal.ingest.auth.key-file", () -> HapiServerProcess.start().clientKeyFile());
        registry.add("portal.ingest.retry.initial-backoff", () -> "200ms");
        registry.add("portal.ingest.retry.max-backoff", () -> "2s");
        registry.add("management.server.port", () -> 0);
    }

    static synchronized TcpProxy proxy() {
        if (proxy == null) {
            proxy = new TcpProxy(
                    URI.create(HapiServerProcess.start().fhirBaseUrl()).getPort());
        }
        return proxy;
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

    void admit(String mrn) {
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

    int finished(List<String> mrns) {
        return count("status <> 'ACCEPTED'", mrns);
    }

    int count(String condition, List<String> mrns) {
        return mrns.stream()
                .mapToInt(mrn -> jdbc.queryForObject(
                        "SELECT count(*) FROM receipt WHERE message_id = ? AND " + condition, Integer.class, "F" + mrn))
                .sum();
    }

    void awaitAllWritten(List<String> mrns) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> count("status = 'WRITTEN'", mrns) == mrns.size());
        assertThat(count("true", mrns)).as("one receipt per message").isEqualTo(mrns.size());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter", Integer.class))
                .as("nothing dead-lettered")
                .isZero();
    }

    /** Each MRN: one Patient carrying it once, one Encounter for its visit, one Provenance per receipt. */
    void assertEachStoredExactlyOnce(List<String> mrns) {
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

    static List<String> newMrns(int count) {
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
