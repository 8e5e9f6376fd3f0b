package io.healthportal.server.config;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings every part of hapi-server shares.
 *
 * @param publicBaseUrl the address clients use to reach this server, proxies included; the FHIR base
 *     is {@code publicBaseUrl + "/fhir"} and every link, issuer and audience derives from it
 * @param dataDir where the embedded defaults keep the database and the full-text index
 */
@Validated
@ConfigurationProperties("portal")
public record PortalProperties(
        @NotNull URI publicBaseUrl, @NotNull Path dataDir) {

    public String fhirBaseUrl() {
        return issuerUrl() + "/fhir";
    }

    /** The public base URL without a trailing slash: the authorization server's issuer. */
    public String issuerUrl() {
        String base = publicBaseUrl.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
