package io.healthportal.server.authserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import io.healthportal.server.security.SmartScope;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The client metadata of an RFC 7591 registration request, checked against what this server registers:
 * SMART apps (authorization code with PKCE, optionally refresh, authenticated by nothing, a secret or a
 * key) and Backend Services clients ({@code client_credentials}, a key, {@code system/} scopes only).
 * Metadata this server does not understand is ignored, as RFC 7591 §2 asks.
 *
 * @param jwks the client's public keys, inline; null unless it authenticates with a key and sent them
 * @param jwksUri where the client publishes its public keys; null unless it sent that instead
 */
record ClientMetadata(
        String clientName,
        AuthMethod authMethod,
        Set<String> grantTypes,
        List<String> redirectUris,
        Set<String> scopes,
        JWKSet jwks,
        URI jwksUri) {

    /** How the client authenticates at the token endpoint ({@code token_endpoint_auth_method}). */
    enum AuthMethod {
        NONE,
        CLIENT_SECRET_BASIC,
        PRIVATE_KEY_JWT;

        String metadataValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String AUTHORIZATION_CODE = "authorization_code";
    static final String REFRESH_TOKEN = "refresh_token";
    static final String CLIENT_CREDENTIALS = "client_credentials";

    /** Scopes a SMART app may hold beside its resource scopes. */
    private static final Set<String> APP_SCOPES = Set.of(
            "openid",
            "fhirUser",
            "profile",
            "launch",
            "launch/patient",
            "launch/encounter",
            "offline_access",
            "online_access");

    private static final int MAX_NAME_LENGTH = 200;

    ClientMetadata {
        grantTypes = Set.copyOf(grantTypes);
        redirectUris = List.copyOf(redirectUris);
        scopes = Set.copyOf(scopes);
    }

    /** A request RFC 7591 §3.2.2 tells the server to refuse, with the error code it names. */
    static final class Invalid extends RuntimeException {
        private final String error;

        Invalid(String error, String description) {
            super(description);
            this.error = error;
        }

        String error() {
            return error;
        }
    }

    static Invalid invalidMetadata(String description) {
        return new Invalid("invalid_client_metadata", description);
    }

    boolean backendService() {
        return grantTypes.contains(CLIENT_CREDENTIALS);
    }

    /** Reads and checks a registration request's JSON body. */
    static ClientMetadata parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalidMetadata("The request body must be a JSON object of client metadata");
        }
        if (body.has("software_statement")) {
            throw new Invalid(
                    "invalid_software_statement", "This server does not accept software statements; send the metadata");
        }
        AuthMethod authMethod = authMethod(body);
        Set<String> grantTypes = grantTypes(body);
        boolean backend = grantTypes.contains(CLIENT_CREDENTIALS);
        if (backend && grantTypes.size() > 1) {
            throw invalidMetadata("client_credentials is registered on its own, without other grant types");
        }
        if (backend && authMethod != AuthMethod.PRIVATE_KEY_JWT) {
            throw invalidMetadata("client_credentials needs token_endpoint_auth_method private_key_jwt");
        }
        if (!backend && !grantTypes.contains(AUTHORIZATION_CODE)) {
            throw invalidMetadata("refresh_token needs authorization_code");
        }
        checkResponseTypes(body, backend);
        List<String> redirectUris = strings(body, "redirect_uris");
        if (backend && !redirectUris.isEmpty()) {
            throw new Invalid("invalid_redirect_uri", "A client_credentials client has no redirect_uris");
        }
        if (!backend && redirectUris.isEmpty()) {
            throw new Invalid("invalid_redirect_uri", "redirect_uris is required for authorization_code");
        }
        redirectUris.forEach(uri -> checkRedirectUri(uri, authMethod));
        JWKSet jwks = jwks(body);
        URI jwksUri = jwksUri(body);
        if (authMethod == AuthMethod.PRIVATE_KEY_JWT && (jwks == null) == (jwksUri == null)) {
            throw invalidMetadata("private_key_jwt needs exactly one of jwks and jwks_uri");
        }
        if (authMethod != AuthMethod.PRIVATE_KEY_JWT && (jwks != null || jwksUri != null)) {
            throw invalidMetadata("jwks and jwks_uri are for private_key_jwt only");
        }
        return new ClientMetadata(
                clientName(body), authMethod, grantTypes, redirectUris, scopes(body, backend), jwks, jwksUri);
    }

    private static AuthMethod authMethod(JsonNode body) {
        // RFC 7591 §2: client_secret_basic when omitted.
        String value = text(body, "token_endpoint_auth_method");
        if (value == null) {
            return AuthMethod.CLIENT_SECRET_BASIC;
        }
        for (AuthMethod method : AuthMethod.values()) {
            if (method.metadataValue().equals(value)) {
                return method;
            }
        }
        throw invalidMetadata("token_endpoint_auth_method must be none, client_secret_basic or private_key_jwt");
    }

    private static Set<String> grantTypes(JsonNode body) {
        List<String> values = strings(body, "grant_types");
        if (values.isEmpty()) {
            // RFC 7591 §2: authorization_code when omitted.
            return Set.of(AUTHORIZATION_CODE);
        }
        for (String value : values) {
            if (!Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS).contains(value)) {
                throw invalidMetadata(
                        "grant_types may hold authorization_code, refresh_token and client_credentials only");
            }
        }
        return new LinkedHashSet<>(values);
    }

    private static void checkResponseTypes(JsonNode body, boolean backend) {
        List<String> values = strings(body, "response_types");
        if (!values.isEmpty() && !values.equals(backend ? List.of() : List.of("code"))) {
            throw invalidMetadata(
                    backend
                            ? "A client_credentials client has no response_types"
                            : "response_types must be [\"code\"]");
        }
    }

    /**
     * Exact URIs without a fragment: https, http on the loopback interface (a native app's local
     * listener), or, for a public client, a private-use scheme in reverse-domain form (RFC 8252 §7).
     */
    private static void checkRedirectUri(String value, AuthMethod authMethod) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new Invalid("invalid_redirect_uri", "Not a URI: " + value);
        }
        if (!uri.isAbsolute() || uri.getFragment() != null) {
            throw new Invalid("invalid_redirect_uri", "A redirect URI is absolute and has no fragment: " + value);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = switch (scheme) {
            case "https" -> uri.getHost() != null;
            case "http" -> isLoopback(uri.getHost());
            default -> authMethod == AuthMethod.NONE && scheme.contains(".");
        };
        if (!allowed) {
            throw new Invalid(
                    "invalid_redirect_uri",
                    "A redirect URI is https, http on localhost or 127.0.0.1, or a native app's reverse-domain"
                            + " scheme: " + value);
        }
    }

    private static boolean isLoopback(String host) {
        return "localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host);
    }

    private static JWKSet jwks(JsonNode body) {
        JsonNode node = body.get("jwks");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalidMetadata("jwks must be a JWKS document");
        }
        JWKSet keys;
        try {
            keys = JWKSet.parse(node.toString());
        } catch (ParseException e) {
            throw invalidMetadata("jwks is not a JWKS document");
        }
        if (keys.getKeys().isEmpty()) {
            throw invalidMetadata("jwks holds no key");
        }
        if (keys.getKeys().stream().anyMatch(key -> key.isPrivate())) {
            throw invalidMetadata("jwks must hold public keys only");
        }
        return keys;
    }

    private static URI jwksUri(JsonNode body) {
        String value = text(body, "jwks_uri");
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if ("https".equals(uri.getScheme()) && uri.getHost() != null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw invalidMetadata("jwks_uri must be an https URL");
    }

    private static Set<String> scopes(JsonNode body, boolean backend) {
        String value = text(body, "scope");
        if (value == null || value.isBlank()) {
            throw invalidMetadata("scope is required: the scopes the client may ask for, space-separated");
        }
        Set<String> scopes = new LinkedHashSet<>(List.of(value.trim().split("\\s+")));
        for (String scope : scopes) {
            var resourceScope = SmartScope.parse(scope);
            boolean system = resourceScope
                    .map(s -> s.context() == SmartScope.Context.SYSTEM)
                    .orElse(false);
            boolean fits = backend ? system : APP_SCOPES.contains(scope) || resourceScope.isPresent() && !system;
            if (!fits) {
                throw invalidMetadata(
                        backend
                                ? "A client_credentials client holds system/ scopes only, not " + scope
                                : "Not a scope a SMART app may hold here: " + scope);
            }
        }
        return scopes;
    }

    private static String clientName(JsonNode body) {
        String name = text(body, "client_name");
        if (name != null && (name.isBlank() || name.length() > MAX_NAME_LENGTH)) {
            throw invalidMetadata("client_name must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalidMetadata(field + " must be a string");
        }
        return node.asText();
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalidMetadata(field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw invalidMetadata(field + " must be an array of strings");
            }
            values.add(item.asText());
        }
        return values;
    }
}
