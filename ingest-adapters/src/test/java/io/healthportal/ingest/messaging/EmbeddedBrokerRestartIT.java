package io.healthportal.ingest.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.healthportal.ingest.testing.IngestWorkerProcess;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.ScriptedFhirEndpoint;
import io.healthportal.testing.FreePort;
import io.healthportal.testing.RequiresPostgres;
import io.healthportal.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker keeps messages in memory. ingest-adapters (its jar, as a child JVM with the
 * {@code postgres} profile and the embedded broker) is killed with SIGKILL while its queues hold
 * accepted messages and its consumers hold more, unacknowledged; started again on the same database,
 * it publishes every unfinished receipt again and each is written exactly once.
 */
@RequiresPostgres
class EmbeddedBrokerRestartIT {

    @Test
    void aKilledIngestAdaptersPublishesItsUnfinishedReceiptsAgainWhenItStarts() throws Exception {
        TestPostgres postgres = TestPostgres.instance();
        String database = postgres.newDatabase("embedded_restart");
        Path dataDir = Files.createTempDirectory("ingest-embedded-restart");
        List<String> controlIds = IntStream.range(0, 4)
                .mapToObj(
                        i -> "R" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
                .toList();
        try (ScriptedFhirEndpoint fhir = new ScriptedFhirEndpoint()) {
            Integer[] unavailable = new Integer[10_000];
            Arrays.fill(unavailable, 503);
            fhir.answerFor("\"resourceType\"", unavailable);
            int mllpPort = FreePort.find();
            Map<String, String> properties = Map.of(
                    "spring.profiles.active", "postgres",
                    "portal.data-dir", dataDir.toString(),
                    "portal.ingest.fhir-base-url", fhir.baseUrl(),
                    "portal.ingest.auth.create-key-if-missing", "true",
                    "portal.ingest.retry.initial-backoff", "200ms",
                    "portal.ingest.retry.max-backoff", "1s");
            Map<String, String> environment = Map.of(
                    "POSTGRES_URL", database,
                    "POSTGRES_USER", postgres.user(),
                    "POSTGRES_PASSWORD", postgres.password(),
                    "INGEST_BROKER_PORT", Integer.toString(FreePort.find()),
                    "INGEST_DEMO_LAB_MLLP_PORT", Integer.toString(mllpPort));

            IngestWorkerProcess first = IngestWorkerProcess.start(properties, environment);
            try {
                for (String controlId : controlIds) {
                    try (MllpClient client = new MllpClient(mllpPort)) {
                        assertThat(client.send(adt(controlId))).contains("MSA|AA|");
                    }
                }
                // Relayed to the in-memory broker, and being retried by its consumers against the 503s.
                await().atMost(Duration.ofMinutes(1))
                        .until(() -> count(database, "SELECT count(*) FROM outbox WHERE status = 'PUBLISHED'")
                                == controlIds.size());
                await().atMost(Duration.ofMinutes(1)).until(() -> !fhir.bodies().isEmpty());
            } finally {
                first.kill();
            }
            assertThat(count(database, "SELECT count(*) FROM receipt WHERE status = 'ACCEPTED'"))
                    .isEqualTo(controlIds.size());

            fhir.clear("\"resourceType\"");
            int refused = fhir.bodies().size();
            try (IngestWorkerProcess second = IngestWorkerProcess.start(properties, environment)) {
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> count(database, "SELECT count(*) FROM receipt WHERE status = 'WRITTEN'")
                                == controlIds.size());
            }
            List<String> accepted = fhir.bodies().subList(refused, fhir.bodies().size());
            for (String controlId : controlIds) {
                assertThat(accepted.stream().filter(b -> b.contains(":message:" + controlId)))
                        .as("writes of %s after the restart", controlId)
                        .hasSize(1);
            }
            assertThat(count(database, "SELECT count(*) FROM dead_letter")).isZero();
        }
    }

    private static String adt(String controlId) {
        return "MSH|^~\\&|PAS|CLINIC|PORTAL|NHS|20260501090000||ADT^A01^ADT_A01|" + controlId + "|P|2.5.1\r"
                + "EVN|A01|20260501090000\r"
                + "PID|1||" + controlId + "^^^CLINIC^MR||RESTART^TEST||19800101|F\r"
                + "PV1|1|I|WARD1||||||||||||||||" + controlId + "-V1\r";
    }

    private static int count(String url, String sql) throws SQLException {
        TestPostgres postgres = TestPostgres.instance();
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getInt(1);
        }
    }
}
