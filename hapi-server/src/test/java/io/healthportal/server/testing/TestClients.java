package io.healthportal.server.testing;

import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.config.PortalProperties;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * The clients the shared test context registers once, through the same registration the server uses
 * itself. Imported explicitly (not annotated), so the component scan of a server started by a test never
 * picks it up.
 */
public class TestClients {

    /** Full access for the API tests: a Backend Services client holding {@code system/*.cruds}. */
    @Bean
    BackendServicesTestClient systemClient(
            ClientRegistrations registrations, PortalProperties portal, AuthorizationServerSettings settings) {
        return BackendServicesTestClient.register(
                registrations, portal.issuerUrl() + settings.getTokenEndpoint(), Set.of("system/*.cruds"));
    }
}
