package io.healthportal.server.authserver;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.StringUtils;

/**
 * The web origins of the registered clients (scheme, host and port of their redirect URIs): the only
 * origins a browser app may call the token endpoint and the FHIR API from.
 */
public class ClientOrigins {

    private final JdbcTemplate jdbc;

    ClientOrigins(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Set<String> registered() {
        Set<String> origins = new LinkedHashSet<>();
        for (String uris : jdbc.queryForList(
                "SELECT redirect_uris FROM oauth2_registered_client WHERE redirect_uris IS NOT NULL", String.class)) {
            Arrays.stream(StringUtils.commaDelimitedListToStringArray(uris))
                    .map(String::trim)
                    .map(ClientOrigins::origin)
                    .filter(origin -> origin != null)
                    .forEach(origins::add);
        }
        return origins;
    }

    static String origin(String uri) {
        try {
            URI parsed = URI.create(uri);
            if (parsed.getScheme() == null || parsed.getHost() == null) {
                return null;
            }
            return parsed.getScheme() + "://" + parsed.getHost() + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort());
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }
}
