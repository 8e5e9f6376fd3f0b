package io.healthportal.server.authserver;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** The registered SMART apps an EHR can launch: those with a launch URL. */
public class LaunchableApps {

    /** An app as the EHR simulator offers it. */
    public record App(String clientId, String name, String launchUrl) {}

    private final JdbcTemplate jdbc;
    private final RegisteredClientRepository clients;

    LaunchableApps(JdbcTemplate jdbc, RegisteredClientRepository clients) {
        this.jdbc = jdbc;
        this.clients = clients;
    }

    public List<App> all() {
        // The repository cannot list clients; the settings column holds the launch URL's key when set.
        List<String> candidates = jdbc.queryForList(
                "SELECT client_id FROM oauth2_registered_client WHERE client_settings LIKE ?",
                String.class,
                "%" + ClientRegistrations.LAUNCH_URL_SETTING + "%");
        return candidates.stream()
                .map(clients::findByClientId)
                .filter(Objects::nonNull)
                .flatMap(client -> app(client).stream())
                .sorted(Comparator.comparing(App::name).thenComparing(App::clientId))
                .toList();
    }

    public Optional<App> find(String clientId) {
        RegisteredClient client = clientId == null ? null : clients.findByClientId(clientId);
        return client == null ? Optional.empty() : app(client);
    }

    private static Optional<App> app(RegisteredClient client) {
        return ClientRegistrations.launchUrl(client)
                .map(url -> new App(
                        client.getClientId(),
                        client.getClientName() == null ? client.getClientId() : client.getClientName(),
                        url));
    }
}
