package io.healthportal.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code /fhir/.well-known/smart-configuration}: SMART App Launch 2.2 discovery, listing only what this
 * server does today. It is an exact-path servlet because HAPI's servlet owns everything else under
 * {@code /fhir}.
 */
class SmartConfigurationServlet extends HttpServlet {

    /** The capabilities that work end to end; the rest of issue 3's list is added as each lands. */
    static final List<String> CAPABILITIES = List.of(
            "launch-ehr",
            "launch-standalone",
            "client-public",
            "client-confidential-symmetric",
            "client-confidential-asymmetric",
            "sso-openid-connect",
            "context-banner",
            "context-style",
            "context-ehr-patient",
            "context-ehr-encounter",
            "context-standalone-patient",
            "permission-offline",
            "permission-patient",
            "permission-user",
            "permission-v1",
            "permission-v2");

    private static final List<String> BROAD_SCOPES = List.of(
            "openid",
            "fhirUser",
            "launch",
            "launch/patient",
            "offline_access",
            "online_access",
            "patient/*.rs",
            "patient/*.read",
            "user/*.cruds",
            "user/*.read",
            "user/*.write",
            "system/*.cruds",
            "system/*.rs",
            "system/*.read");

    /** The broad scopes, then each granular category scope a consent page offers, for patient and user. */
    static final List<String> SCOPES = Stream.concat(
                    BROAD_SCOPES.stream(),
                    SmartScope.CATEGORY_TYPES.stream()
                            .sorted()
                            .flatMap(type -> Stream.of("patient/", "user/")
                                    .flatMap(context -> ScopeCategories.of(type).stream()
                                            .map(category -> category.narrow(context + type + ".rs")))))
            .toList();

    private final transient byte[] body;

    SmartConfigurationServlet(SmartEndpoints endpoints, ObjectMapper json) throws IOException {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("issuer", endpoints.issuer());
        configuration.put("jwks_uri", endpoints.jwks());
        configuration.put("authorization_endpoint", endpoints.authorize());
        configuration.put("token_endpoint", endpoints.token());
        configuration.put("revocation_endpoint", endpoints.revoke());
        configuration.put("introspection_endpoint", endpoints.introspect());
        configuration.put("registration_endpoint", endpoints.register());
        configuration.put(
                "grant_types_supported", List.of("authorization_code", "client_credentials", "refresh_token"));
        configuration.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "private_key_jwt"));
        configuration.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        configuration.put("scopes_supported", SCOPES);
        configuration.put("response_types_supported", List.of("code"));
        configuration.put("code_challenge_methods_supported", List.of("S256"));
        configuration.put("capabilities", CAPABILITIES);
        this.body = json.writeValueAsBytes(configuration);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
