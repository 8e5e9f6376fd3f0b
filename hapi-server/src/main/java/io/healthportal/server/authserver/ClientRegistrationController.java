package io.healthportal.server.authserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /oauth2/register}: RFC 7591 dynamic client registration, for whoever holds an initial
 * access token. The client gets a new random {@code client_id} and, when it authenticates with a secret,
 * that secret, in this answer only. Errors are RFC 7591 §3.2.2's: {@code invalid_redirect_uri},
 * {@code invalid_client_metadata}, {@code invalid_software_statement}.
 */
@RestController
class ClientRegistrationController {

    static final String PATH = ClientRegistrations.REGISTRATION_ENDPOINT;

    private static final Logger log = LoggerFactory.getLogger(ClientRegistrationController.class);

    private final InitialAccessTokens initialAccessTokens;
    private final ClientRegistrations registrations;
    private final ObjectMapper json;

    ClientRegistrationController(
            InitialAccessTokens initialAccessTokens, ClientRegistrations registrations, ObjectMapper json) {
        this.initialAccessTokens = initialAccessTokens;
        this.registrations = registrations;
        this.json = json;
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> register(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        if (!initialAccessTokens.accepts(authorization)) {
            // RFC 6750 §3: no error code when no token was sent at all.
            String challenge = authorization == null
                    ? "Bearer"
                    : "Bearer error=\"invalid_token\", error_description=\"Not an initial access token\"";
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                    .body(error("invalid_token", "Registration needs an initial access token from an administrator"));
        }
        ClientMetadata metadata;
        try {
            metadata = ClientMetadata.parse(read(body));
        } catch (ClientMetadata.Invalid e) {
            return ResponseEntity.badRequest()
                    .cacheControl(CacheControl.noStore())
                    .body(error(e.error(), e.getMessage()));
        }
        ClientRegistrations.Registered registered = registrations.register(metadata);
        log.info(
                "Client {} registered through RFC 7591 ({}, {})",
                registered.client().getClientId(),
                metadata.authMethod().metadataValue(),
                metadata.grantTypes());
        return ResponseEntity.status(HttpStatus.CREATED)
                .cacheControl(CacheControl.noStore())
                .header("Pragma", "no-cache")
                .body(response(registered, metadata));
    }

    private JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            throw ClientMetadata.invalidMetadata("The request body must be a JSON object of client metadata");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ClientMetadata.invalidMetadata("The request body is not JSON");
        }
    }

    /** RFC 7591 §3.2.1: the client's id, its secret if it has one, and the metadata as registered. */
    static Map<String, Object> response(ClientRegistrations.Registered registered, ClientMetadata metadata) {
        RegisteredClient client = registered.client();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("client_id", client.getClientId());
        response.put("client_id_issued_at", client.getClientIdIssuedAt().getEpochSecond());
        if (registered.rawSecret() != null) {
            response.put("client_secret", registered.rawSecret());
            response.put("client_secret_expires_at", 0);
        }
        response.put("client_name", client.getClientName());
        response.put("token_endpoint_auth_method", metadata.authMethod().metadataValue());
        response.put("grant_types", metadata.grantTypes());
        if (!metadata.backendService()) {
            response.put("response_types", java.util.List.of("code"));
            response.put("redirect_uris", metadata.redirectUris());
        }
        response.put("scope", String.join(" ", metadata.scopes()));
        if (metadata.jwks() != null) {
            response.put("jwks", metadata.jwks().toJSONObject(true));
        }
        if (metadata.jwksUri() != null) {
            response.put("jwks_uri", metadata.jwksUri().toString());
        }
        return response;
    }

    private static Map<String, Object> error(String code, String description) {
        return Map.of("error", code, "error_description", description);
    }
}
