package io.healthportal.ingest.testing;

import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.IdentifierSystems;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.config.IngestProperties.PayloadFormat;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/** Partner configuration for tests that build their objects without Spring. */
public final class TestPartners {

    /** A UK lab sending HL7 v2 in UTF-8, times in Europe/London. */
    public static final PartnerProperties LAB = new PartnerProperties(
            "lab-b",
            PayloadFormat.HL7V2,
            new IdentifierSystems(
                    "https://lab-b.example/Id/mrn", "https://lab-b.example/Id/order", "https://lab-b.example/Id/visit"),
            ZoneId.of("Europe/London"),
            null,
            null,
            null,
            null);

    private TestPartners() {}

    public static IngestProperties properties(IngestProperties.Retry retry, List<PartnerProperties> partners) {
        return new IngestProperties(
                Path.of("unused"),
                Path.of("unused.key"),
                URI.create("http://localhost/fhir"),
                new IngestProperties.BackendAuth("unused", Path.of("unused.json"), false, "system/Patient.crus"),
                retry,
                new IngestProperties.Broker(0, false, "unused"),
                partners);
    }

    public static IngestProperties.Retry quickRetry() {
        return new IngestProperties.Retry(
                Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMinutes(1), Duration.ofHours(24));
    }
}
