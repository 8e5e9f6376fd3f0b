package io.healthportal.server.demo;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Synthetic demo data loaded into an empty database on the embedded default only.
 *
 * @param enabled whether to load it; the {@code postgres} profile turns it off and refuses to start if
 *     it is turned back on
 * @param patients how many patients the first start loads
 * @param resourcesPerPatient the size of each patient's record
 * @param seed the generator's seed: the same seed gives the same patients
 * @param ingestClientJwksUri where ingest-adapters, started beside hapi-server by {@code ./portal},
 *     publishes the public key of its Backend Services clients
 * @param ingestPartners the partners of ingest-adapters' default configuration: each gets a partner
 *     client {@code ingest-<partner id>} with that key
 */
@Validated
@ConfigurationProperties("portal.demo-data")
public record DemoDataProperties(
        boolean enabled,
        @Min(0) int patients,
        @Min(30) int resourcesPerPatient,
        long seed,
        @NotNull URI ingestClientJwksUri,
        @NotNull List<String> ingestPartners) {}
