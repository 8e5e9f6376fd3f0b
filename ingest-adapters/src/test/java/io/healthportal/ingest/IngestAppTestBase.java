package io.healthportal.ingest;

import io.healthportal.ingest.testing.ScriptedFhirEndpoint;
import io.healthportal.testing.FreePort;
import io.healthportal.testing.RequiresPostgres;
import io.healthportal.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one Spring context of ingest-adapters' integration tests: the {@code postgres} profile on a fresh
 * database of the run, the embedded broker on a free port, partner {@code demo-lab}'s MLLP listener on
 * a free port, and a scripted endpoint in hapi-server's place.
 */
@RequiresPostgres
// Spring Boot's tests turn metrics export off by default; the Prometheus endpoint is part of what is tested.
@AutoConfigureObservability(tracing = false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
public abstract class IngestAppTestBase {

    protected static final ScriptedFhirEndpoint FHIR = new ScriptedFhirEndpoint();

    /** The one administrator who also holds the ingest-operator permission (payload views). */
    protected static final String PAYLOAD_VIEWER = "ops-lead";

    private static final Path DATA_DIR = temporaryDirectory();
    // Chosen once: a supplier is asked again each time the property is read.
    private static final int BROKER_PORT = FreePort.find();
    /** Where a test starts its fake portal of partner {@code demo-portal}, whose poller is configured to it. */
    protected static final int PARTNER_PORTAL_PORT = FreePort.find();

    protected static final String PARTNER_PORTAL_USERNAME = "ingest-poller";
    protected static final String PARTNER_PORTAL_PASSWORD = "poller-test-secret";
    /** Where a test starts its fake REST API of partner {@code demo-clinic}, and the token it expects. */
    protected static final int PARTNER_API_PORT = FreePort.find();

    protected static final String PARTNER_API_TOKEN = "clinic-api-test-token";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres postgres = TestPostgres.instance();
        String url = postgres.newDatabase("ingest_app");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", postgres::user);
        registry.add("spring.datasource.password", postgres::password);
        registry.add("portal.data-dir", DATA_DIR::toString);
        registry.add("portal.ingest.broker.embedded-port", () -> BROKER_PORT);
        // A list element set here would replace the whole partners list: set the placeholder instead.
        registry.add("INGEST_DEMO_LAB_MLLP_PORT", () -> 0);
        registry.add("portal.ingest.fhir-base-url", FHIR::baseUrl);
        registry.add("INGEST_DEMO_PORTAL_URL", () -> "http://127.0.0.1:" + PARTNER_PORTAL_PORT);
        registry.add("INGEST_DEMO_PORTAL_USERNAME", () -> PARTNER_PORTAL_USERNAME);
        registry.add("INGEST_DEMO_PORTAL_PASSWORD", () -> PARTNER_PORTAL_PASSWORD);
        registry.add("INGEST_DEMO_CLINIC_API_URL", () -> "http://127.0.0.1:" + PARTNER_API_PORT);
        registry.add("INGEST_DEMO_CLINIC_API_TOKEN", () -> PARTNER_API_TOKEN);
        // The postgres profile expects a mounted client key; the tests make one in their data directory.
        registry.add("portal.ingest.auth.create-key-if-missing", () -> true);
        registry.add("portal.ingest.retry.initial-backoff", () -> "100ms");
        registry.add("portal.ingest.retry.max-backoff", () -> "500ms");
        registry.add("management.server.port", () -> 0);
        registry.add("portal.ingest.callers.payload-viewers[0]", () -> PAYLOAD_VIEWER);
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("ingest-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
