package io.healthportal.ingest.security;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call ingest-adapters' HTTP endpoints ({@code portal.ingest.callers.*}). Callers present
 * access tokens issued by hapi-server's authorization server: a partner system its Backend Services
 * token, an operator the token of their portal login.
 *
 * @param issuer hapi-server's issuer (its public base URL); unset, the FHIR base URL without {@code /fhir}
 * @param jwksUri where hapi-server publishes its signing keys; unset, {@code {issuer}/oauth2/jwks}
 * @param payloadViewers the administrators (login names) who also hold the ingest-operator permission:
 *     they alone may read a dead letter's payload, which holds patient data
 */
@ConfigurationProperties("portal.ingest.callers")
public record CallerProperties(URI issuer, URI jwksUri, List<String> payloadViewers) {

    public CallerProperties {
        // An environment variable set to nothing means unset.
        issuer = issuer == null || issuer.toString().isBlank() ? null : issuer;
        jwksUri = jwksUri == null || jwksUri.toString().isBlank() ? null : jwksUri;
        payloadViewers = payloadViewers == null ? List.of() : List.copyOf(payloadViewers);
    }
}
