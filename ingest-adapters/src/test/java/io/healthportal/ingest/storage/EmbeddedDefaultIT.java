package io.healthportal.ingest.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.healthportal.ingest.IngestApplication;
import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.testing.FreePort;
import io.healthportal.ingest.testing.ScriptedFhirEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * No profile: ingest-adapters starts its own PostgreSQL and AMQP broker with its data under the data
 * directory, and what it accepted survives a restart (receipt and the archive, opened with the key file
 * created on the first start). Needs nothing installed.
 */
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

    private ConfigurableApplicationContext start(ScriptedFhirEndpoint fhir) {
        return new SpringApplicationBuilder(IngestApplication.class)
                .run(
                        "--portal.data-dir=" + dataDir,
                        "--server.port=0",
                        "--management.server.port=0",
                        "--INGEST_DEMO_LAB_MLLP_PORT=0",
                        "--portal.ingest.broker.embedded-port=" + FreePort.find(),
                        "--portal.ingest.fhir-base-url=" + fhir.baseUrl());
    }
}
