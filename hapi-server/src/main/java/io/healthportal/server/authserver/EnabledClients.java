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

    /**
     * Disables a client and ends its grants (its authorizations are deleted, refresh tokens with them), so
     * enabling it again does not bring its old tokens back; false when there is no such client.
     */
    boolean disable(String clientId, String by) {
        RegisteredClient client = all.findByClientId(clientId);
        if (client == null) {
            return false;
        }
        jdbc.update(
                "INSERT INTO disabled_client (registered_client_id, disabled_by) VALUES (?, ?) ON CONFLICT DO NOTHING",
                client.getId(),
                by);
        // After the mark: should this fail, the client is disabled all the same and its tokens refused.
        jdbc.update("DELETE FROM oauth2_authorization WHERE registered_client_id = ?", client.getId());
        return true;
    }

    /**
     * Enables a disabled client again; false when there is no such client. It must get new tokens: {@link
     * #disable} ended the old ones.
     */
    boolean enable(String clientId) {
        RegisteredClient client = all.findByClientId(clientId);
        if (client == null) {
            return false;
        }
        jdbc.update("DELETE FROM disabled_client WHERE registered_client_id = ?", client.getId());
        return true;
    }
}
