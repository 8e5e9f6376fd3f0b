package io.healthportal.server.authserver;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The registered clients as the authorization server and {@code /fhir} see them: a client an
 * administrator disabled is not found, so it can neither authorize nor get tokens, and the tokens it
 * holds fail the revocation check ({@code IssuedTokenValidator}) like those of a deleted client.
 */
class EnabledClients implements RegisteredClientRepository {

    private final RegisteredClientRepository all;
    private final JdbcTemplate jdbc;

    EnabledClients(RegisteredClientRepository all, JdbcTemplate jdbc) {
        this.all = all;
        this.jdbc = jdbc;
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        all.save(registeredClient);
    }

    @Override
    public RegisteredClient findById(String id) {
        return enabled(all.findById(id));
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return enabled(all.findByClientId(clientId));
    }

    private RegisteredClient enabled(RegisteredClient client) {
        return client == null || disabled(client.getId()) ? null : client;
    }

    boolean disabled(String registeredClientId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM disabled_client WHERE registered_client_id = ?)",
                Boolean.class,
                registeredClientId));
    }

    /** Disables a client; false when there is no such client. */
    boolean disable(String clientId, String by) {
        RegisteredClient client = all.findByClientId(clientId);
        if (client == null) {
            return false;
        }
        jdbc.update(
                "INSERT INTO disabled_client (registered_client_id, disabled_by) VALUES (?, ?) ON CONFLICT DO NOTHING",
                client.getId(),
                by);
        return true;
    }
}
