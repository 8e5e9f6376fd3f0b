package io.healthportal.server.authserver;

import com.nimbusds.jose.jwk.JWKSet;
import io.healthportal.server.security.SystemRole;
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
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.validation.annotation.Validated;

/**
 * SMART Backend Services clients an operator declares in configuration, registered (or updated) at
 * every start in every profile: how a deployment provisions the portal's own back ends
 * (ingest-adapters' partner clients, smart-apps), its partners' systems and EHRs without a person at the
 * admin API. Each names its public keys inline ({@code jwks}, a JWKS document) or by URL ({@code
 * jwks-uri}), and optionally a {@link SystemRole}: {@code role: partner} (with {@code partner-id}, the
 * client id when omitted), {@code role: ehr-system} (with {@code group}, its registered Group's id) or
 * {@code role: patient-verifier}. A client without a role holds its system scopes alone.
 *
 * <pre>
 * portal.auth.backend-clients.ingest-demo-lab.jwks-uri: https://ingest.example/.well-known/jwks.json
 * portal.auth.backend-clients.ingest-demo-lab.scopes: system/Patient.crus, system/Observation.crus
 * portal.auth.backend-clients.ingest-demo-lab.role: partner
 * portal.auth.backend-clients.ingest-demo-lab.partner-id: demo-lab
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
        SystemRole role = role(clientId, client);
        if (inline) {
            try {
                registrations.registerBackendService(clientId, name, JWKSet.parse(client.jwks()), scopes, role);
            } catch (ParseException e) {
                throw new IllegalStateException(
                        "portal.auth.backend-clients." + clientId + ".jwks is not a JWKS document", e);
            }
        } else {
            registrations.registerBackendService(clientId, name, client.jwksUri(), scopes, role);
        }
    }

    private static SystemRole role(String clientId, Client client) {
        if (client.role() == null || client.role().isBlank()) {
            if (client.partnerId() != null || client.group() != null) {
                throw new IllegalStateException("portal.auth.backend-clients." + clientId
                        + " names a partner-id or group without a role (partner or ehr-system)");
            }
            return null;
        }
        try {
            return SystemRole.of(client.role(), clientId, client.partnerId(), client.group());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("portal.auth.backend-clients." + clientId + ": " + e.getMessage(), e);
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
     * @param role {@code partner}, {@code ehr-system}, {@code patient-verifier}, or empty for none
     * @param partnerId a partner's id (its {@code meta.tag} code); the client id when empty
     * @param group an EHR system's Group id: the patients it may read
     */
    record Client(
            String name,
            String jwks,
            URI jwksUri,
            @NotEmpty List<String> scopes,
            String role,
            String partnerId,
            String group) {

        @ConstructorBinding
        Client {}

        /** A client without a role. */
        Client(String name, String jwks, URI jwksUri, List<String> scopes) {
            this(name, jwks, jwksUri, scopes, null, null, null);
        }
    }
}
