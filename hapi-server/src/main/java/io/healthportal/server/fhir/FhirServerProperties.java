package io.healthportal.server.fhir;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the FHIR REST API behaves.
 *
 * @param defaultPageSize search page size when a client gives no {@code _count}
 * @param maxPageSize the largest {@code _count} honoured
 * @param maxRequestBody request bodies above this are refused with 413
 */
@Validated
@ConfigurationProperties("portal.fhir")
public record FhirServerProperties(
        @Min(1) int defaultPageSize, @Min(1) int maxPageSize, DataSize maxRequestBody) {}
