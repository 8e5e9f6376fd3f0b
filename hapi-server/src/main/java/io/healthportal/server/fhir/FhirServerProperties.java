package io.healthportal.server.fhir;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the FHIR REST API behaves.
 *
 * @param defaultPageSize search page size when a client gives no {@code _count}
 * @param maxPageSize the largest {@code _count} honoured
 * @param maxRequestBody request bodies above this are refused with 413
 * @param storageTuning which storage settings the server runs with: the portal's ({@code portal},
 *     the default) or stock HAPI's ({@code hapi-stock}, for benchmark comparison only)
 */
@Validated
@ConfigurationProperties("portal.fhir")
public record FhirServerProperties(
        @Min(1) int defaultPageSize,
        @Min(1) int maxPageSize,
        DataSize maxRequestBody,
        @NotNull @DefaultValue("portal") StorageTuning storageTuning) {

    /** The values of {@code portal.fhir.storage-tuning}. */
    public enum StorageTuning {
        /** The settings the portal ships: see {@code PortalStorageTuningConfig}. */
        PORTAL,
        /** Stock HAPI storage, Hibernate and Hikari settings, for benchmark comparison only. */
        HAPI_STOCK
    }
}
