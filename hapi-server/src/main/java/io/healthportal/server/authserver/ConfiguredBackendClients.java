package io.healthportal.server.authserver;

import com.nimbusds.jose.jwk.JWKSet;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import java.net.URI;
import java.text.ParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * SMART Backend Services clients an operator declares in configuration, registered (or updated) at
 * every start in every profile: how a deployment provisions the portal's own back ends
 * (ingest-adapters, smart-apps) and its partners' systems without a person at the admin API. Each
 * names its public keys inline ({@code jwks}, a JWKS document) or by URL ({@code jwks-uri}).
 *
 * <pre>
 * portal.auth.backend-clients.ingest-adapters.jwks-uri: https://ingest.example/.well-known/jwks.json
 * portal.auth.backend-clients.ingest-adapters.scopes: system/Patient.crus, system/Observation.crus
 * </pre>
 */
class ConfiguredBackendClients implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredBackendClients.class);

    private final Properties properties;
    private final ClientRegistrations registrations;

    ConfiguredBackendClients(Properties properties, ClientRegistrations registrations) {
        this.properties = properties;
        this.registrations = registrations;
    }

    @Override
    public void run(ApplicationArguments args) {
        properties.backendClients().forEach((clientId, client) -> {
            register(clientId, client);
            log.info("Backend Services client '{}' registered from configuration", clientId);
        });
    }

    private void register(String clientId, Client client) {
        boolean inline = client.jwks() != null && !client.jwks().isBlank();
        if (inline == (client.jwksUri() != null)) {
            throw new IllegalStateException("portal.auth.backend-clients." + clientId
                    + " needs exactly one of jwks (a JWKS document) and jwks-uri");
        }
        String name = client.name() == null || client.name().isBlank() ? clientId : client.name();
        LinkedHashSet<String> scopes = new LinkedHashSet<>(client.scopes());
        if (inline) {
            try {
                registrations.registerBackendService(clientId, name, JWKSet.parse(client.jwks()), scopes);
            } catch (ParseException e) {
                throw new IllegalStateException(
                        "portal.auth.backend-clients." + clientId + ".jwks is not a JWKS document", e);
            }
        } else {
            registrations.registerBackendService(clientId, name, client.jwksUri(), scopes);
        }
    }

    /** {@code portal.auth.backend-clients}: client id to client. */
    @Validated
    @ConfigurationProperties("portal.auth")
    record Properties(@Valid Map<String, Client> backendClients) {
        Properties {
            backendClients = backendClients == null ? Map.of() : backendClients;
        }
    }

    /**
     * @param name shown to administrators; the client id when empty
     * @param jwks the client's public keys as a JWKS document
     * @param jwksUri where the client publishes its public keys
     * @param scopes the {@code system/} scopes it may be granted
     */
    record Client(
            String name, String jwks, URI jwksUri, @NotEmpty List<String> scopes) {}
}
