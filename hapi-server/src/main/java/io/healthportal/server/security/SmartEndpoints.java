package io.healthportal.server.security;

import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.config.PortalProperties;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/** The authorization server's public endpoint URLs, all derived from {@code portal.public-base-url}. */
record SmartEndpoints(
        String issuer,
        String fhirBase,
        String authorize,
        String token,
        String jwks,
        String revoke,
        String introspect,
        String register) {

    static SmartEndpoints of(PortalProperties portal, AuthorizationServerSettings settings) {
        String issuer = portal.issuerUrl();
        return new SmartEndpoints(
                issuer,
                portal.fhirBaseUrl(),
                issuer + settings.getAuthorizationEndpoint(),
                issuer + settings.getTokenEndpoint(),
                issuer + settings.getJwkSetEndpoint(),
                issuer + settings.getTokenRevocationEndpoint(),
                issuer + settings.getTokenIntrospectionEndpoint(),
                issuer + ClientRegistrations.REGISTRATION_ENDPOINT);
    }
}
