package io.healthportal.server.security;

import io.healthportal.server.authserver.ClientOrigins;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * CORS as SMART App Launch 2.2 asks: discovery and the CapabilityStatement are open to any origin; the
 * token, revocation and introspection endpoints and the FHIR API only to the origins of registered
 * clients. Preflight requests are answered before any authentication. Bearer tokens, not cookies, so
 * no credentials mode.
 */
class SmartCorsConfigurationSource implements CorsConfigurationSource {

    private static final List<String> OPEN_PATHS =
            List.of("/fhir/metadata", FhirResourceServerConfig.SMART_CONFIGURATION_PATH, "/smart-style.json");
    private static final List<String> CLIENT_ENDPOINTS =
            List.of("/oauth2/token", "/oauth2/revoke", "/oauth2/introspect");

    private final ClientOrigins origins;

    SmartCorsConfigurationSource(ClientOrigins origins) {
        this.origins = origins;
    }

    @Override
    public CorsConfiguration getCorsConfiguration(HttpServletRequest request) {
        if (request.getHeader(HttpHeaders.ORIGIN) == null) {
            return null; // not a cross-origin request: nothing to look up
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (OPEN_PATHS.contains(path)) {
            CorsConfiguration open = new CorsConfiguration();
            open.addAllowedOrigin(CorsConfiguration.ALL);
            open.setAllowedMethods(List.of("GET", "HEAD", "OPTIONS"));
            open.addAllowedHeader(CorsConfiguration.ALL);
            return open;
        }
        if (CLIENT_ENDPOINTS.contains(path) || path.equals("/fhir") || path.startsWith("/fhir/")) {
            CorsConfiguration clients = new CorsConfiguration();
            clients.setAllowedOrigins(List.copyOf(origins.registered()));
            clients.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
            // X-Break-Glass-Reason: a clinician's browser app breaking the glass (CareRelationshipInterceptor).
            clients.setAllowedHeaders(List.of(
                    "Authorization",
                    "Content-Type",
                    "Accept",
                    "Prefer",
                    "If-Match",
                    "If-None-Match",
                    "If-None-Exist",
                    CareRelationshipInterceptor.HEADER));
            clients.setExposedHeaders(
                    List.of("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate", "X-Progress"));
            clients.setMaxAge(600L);
            return clients;
        }
        return null;
    }
}
