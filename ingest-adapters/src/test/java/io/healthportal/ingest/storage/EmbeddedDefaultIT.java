package io.healthportal.ingest.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.healthportal.ingest.IngestApplication;
import io.healthportal.ingest.hl7v2.MllpListeners;
import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.intake.Receipts.ReceiptStatus;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.MllpClient;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.healthportal.ingest.testing.ScriptedFhirEndpoint;
import io.healthportal.testing.FreePort;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * No profile: ingest-adapters starts its own PostgreSQL and AMQP broker with its data under the data
 * directory, and what it accepted survives a restart (receipt and the archive, opened with the key file
 * created on the first start). Needs nothing installed.
 */
@RequiresCorpus
class EmbeddedDefaultIT {

    @TempDir
    Path dataDir;

    @Test
    void anAcceptedPayloadSurvivesARestartOnTheSameDataDirectory() throws Exception {
        byte[] payload = "MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ADT^A02|R1|P|2.5.1\rPID|1||A1^^^LAB^MR\r"
                .getBytes(StandardCharsets.UTF_8);
        UUID receipt;
        try (ScriptedFhirEndpoint fhir = new ScriptedFhirEndpoint()) {
            try (ConfigurableApplicationContext first = start(fhir)) {
                receipt = first.getBean(Receipts.class)
                        .accept("demo-lab", "HL7V2", "http", "R1", payload)
                        .receiptId();
            }
            assertThat(dataDir.resolve("ingest-postgres").resolve("PG_VERSION")).exists();
            assertThat(Files.readString(dataDir.resolve("ingest-postgres").resolve("PG_VERSION"))
                            .strip())
                    .isEqualTo("15");
            assertThat(dataDir.resolve("ingest-archive.key")).exists();

            try (ConfigurableApplicationContext second = start(fhir)) {
                Receipts receipts = second.getBean(Receipts.class);
                assertThat(receipts.find(receipt)).isPresent();
                assertThat(receipts.payload(receipt)).isEqualTo(payload);
                assertThat(receipts.accept("demo-lab", "HL7V2", "http", "R1", payload)
                                .duplicate())
                        .isTrue();
            }
        }
    }

    @Test
    void aReceiptTheEmbeddedBrokerHeldWhenItStoppedIsWrittenAfterTheRestart() throws Exception {
        String oru = Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7")
                .replaceFirst("\\|ORU\\^R01\\|[^|]*\\|", "|ORU^R01|RESTART-1|");
        String marker = ":message:RESTART-1";
        try (ScriptedFhirEndpoint fhir = new ScriptedFhirEndpoint()) {
            Integer[] unavailable = new Integer[10_000];
            java.util.Arrays.fill(unavailable, 503);
            fhir.answerFor(marker, unavailable);
            UUID receipt;
            try (ConfigurableApplicationContext first = start(fhir)) {
                try (MllpClient client =
                        new MllpClient(first.getBean(MllpListeners.class).port("demo-lab"))) {
                    assertThat(client.send(oru)).contains("MSA|AA|RESTART-1");
                }
                receipt = first.getBean(Receipts.class)
                        .find("demo-lab", "RESTART-1")
                        .orElseThrow();
                // Delivered to a consumer, which is retrying while hapi-server answers 503.
                await().atMost(Duration.ofSeconds(30)).until(() -> writes(fhir, marker) >= 2);
            }
            // The process (and with it the in-memory broker) is gone; hapi-server is back.
            fhir.clear(marker);
            try (ConfigurableApplicationContext second = start(fhir)) {
                Receipts receipts = second.getBean(Receipts.class);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> receipts.find(receipt).orElseThrow().status() == ReceiptStatus.WRITTEN);
            }
        }
    }

    @Test
    void theIntakeKeepsAcceptingAndStaysReadyWhileTheBrokerIsUnreachable() throws Exception {
        String oru = Corpus.read("hl7v2/microsoft-FHIR-Converter/LAB-ORU-1.hl7")
                .replaceFirst("\\|ORU\\^R01\\|[^|]*\\|", "|ORU^R01|NO-BROKER-1|");
        try (ScriptedFhirEndpoint fhir = new ScriptedFhirEndpoint();
                ConfigurableApplicationContext app =
                        start(fhir, "--spring.profiles.active=rabbitmq", "--RABBITMQ_PORT=" + FreePort.find())) {
            try (MllpClient client =
                    new MllpClient(app.getBean(MllpListeners.class).port("demo-lab"))) {
                assertThat(client.send(oru)).contains("MSA|AA|NO-BROKER-1");
            }
            UUID receipt =
                    app.getBean(Receipts.class).find("demo-lab", "NO-BROKER-1").orElseThrow();
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT status FROM outbox WHERE receipt_id = ?", String.class, receipt))
                    .isEqualTo("PENDING");
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            HttpResponse<Void> ready = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/readyz"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }

    private static long writes(ScriptedFhirEndpoint fhir, String marker) {
        return fhir.bodies().stream().filter(b -> b.contains(marker)).count();
    }

    private ConfigurableApplicationContext start(ScriptedFhirEndpoint fhir, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--portal.data-dir=" + dataDir,
                "--server.port=0",
                "--management.server.port=0",
                "--INGEST_DEMO_LAB_MLLP_PORT=0",
                "--portal.ingest.fhir-base-url=" + fhir.baseUrl(),
                "--portal.ingest.retry.initial-backoff=100ms",
                "--portal.ingest.retry.max-backoff=200ms"));
        if (more.length == 0) {
            args.add("--portal.ingest.broker.embedded-port=" + FreePort.find());
        }
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(IngestApplication.class).run(args.toArray(String[]::new));
    }
}
