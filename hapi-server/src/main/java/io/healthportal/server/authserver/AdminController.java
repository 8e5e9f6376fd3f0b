package io.healthportal.server.authserver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin}: administrators list, create and disable users and clients. {@link AdminApiConfig}
 * lets only a person's access token with the administrator role in; nothing here returns a password
 * hash or a client secret, except a new client's secret in the answer that creates it.
 */
@RestController
class AdminController {

    static final String PATH = "/admin";

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,100}");
    private static final Pattern FHIR_USER = Pattern.compile("(Patient|Practitioner)/[A-Za-z0-9.-]{1,64}");
    private static final int MIN_PASSWORD_LENGTH = 12;
    /** bcrypt reads no further. */
    private static final int MAX_PASSWORD_BYTES = 72;

    /** A new user: {@code role} is patient, practitioner, receptionist or administrator. */
    record NewUser(String username, String password, String role, String fhirUser, String displayName) {}

    private final PortalUsers users;
    private final ClientRegistrations registrations;
    private final RegisteredClientRepository allClients;
    private final EnabledClients enabledClients;
    private final JdbcTemplate jdbc;

    AdminController(
            PortalUsers users,
            ClientRegistrations registrations,
            AuthorizationServerConfig.AllClients allClients,
            EnabledClients enabledClients,
            JdbcTemplate jdbc) {
        this.users = users;
        this.registrations = registrations;
        this.allClients = allClients.repository();
        this.enabledClients = enabledClients;
        this.jdbc = jdbc;
    }

    @GetMapping(path = PATH + "/users", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> users() {
        return users.all().stream().map(AdminController::view).toList();
    }

    @PostMapping(
            path = PATH + "/users",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> createUser(@AuthenticationPrincipal Jwt admin, @RequestBody NewUser user) {
        String problem = problem(user);
        if (problem != null) {
            return ResponseEntity.badRequest().body(error("invalid_request", problem));
        }
        PortalRole role = PortalRole.fromClaim(user.role()).orElseThrow();
        if (!users.create(user.username(), user.password(), role, user.fhirUser(), user.displayName())) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(error("conflict", "A user with this username exists already"));
        }
        log.info("User {} ({}) created by administrator {}", user.username(), role.claimValue(), admin.getSubject());
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(view(users.find(user.username()).orElseThrow()));
    }

    @PostMapping(path = PATH + "/users/{username}/disable")
    ResponseEntity<Map<String, Object>> disableUser(
            @AuthenticationPrincipal Jwt admin, @PathVariable("username") String username) {
        if (!users.disable(username)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(error("not_found", "No such user"));
        }
        log.info("User {} disabled by administrator {}", username, admin.getSubject());
        return ResponseEntity.noContent().build();
    }

    @GetMapping(path = PATH + "/clients", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> clients() {
        return jdbc.queryForList("SELECT id FROM oauth2_registered_client ORDER BY client_id", String.class).stream()
                .map(allClients::findById)
                .filter(java.util.Objects::nonNull)
                .map(this::view)
                .toList();
    }

    /** The same metadata and answer as RFC 7591 registration, for an administrator instead of a token holder. */
    @PostMapping(
            path = PATH + "/clients",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> createClient(
            @AuthenticationPrincipal Jwt admin, @RequestBody com.fasterxml.jackson.databind.JsonNode body) {
        ClientMetadata metadata;
        try {
            metadata = ClientMetadata.parse(body);
        } catch (ClientMetadata.Invalid e) {
            return ResponseEntity.badRequest().body(error(e.error(), e.getMessage()));
        }
        ClientRegistrations.Registered registered = registrations.register(metadata);
        log.info("Client {} registered by administrator {}", registered.client().getClientId(), admin.getSubject());
        return ResponseEntity.status(HttpStatus.CREATED)
                .header("Cache-Control", "no-store")
                .body(ClientRegistrationController.response(registered, metadata));
    }

    @PostMapping(path = PATH + "/clients/{clientId}/disable")
    ResponseEntity<Map<String, Object>> disableClient(
            @AuthenticationPrincipal Jwt admin, @PathVariable("clientId") String clientId) {
        if (!enabledClients.disable(clientId, admin.getSubject())) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(error("not_found", "No such client"));
        }
        log.info("Client {} disabled by administrator {}", clientId, admin.getSubject());
        return ResponseEntity.noContent().build();
    }

    private static String problem(NewUser user) {
        if (user.username() == null || !USERNAME.matcher(user.username()).matches()) {
            return "username: 3 to 100 letters, digits or . _ @ -";
        }
        if (user.password() == null
                || user.password().length() < MIN_PASSWORD_LENGTH
                || user.password().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return "password: at least " + MIN_PASSWORD_LENGTH + " characters and at most " + MAX_PASSWORD_BYTES
                    + " bytes";
        }
        PortalRole role =
                user.role() == null ? null : PortalRole.fromClaim(user.role()).orElse(null);
        if (role == null) {
            return "role: patient, practitioner, receptionist or administrator";
        }
        if (user.fhirUser() == null
                || !FHIR_USER.matcher(user.fhirUser()).matches()
                || !user.fhirUser().startsWith(role.fhirUserType() + "/")) {
            return "fhirUser: a " + role.fhirUserType() + " reference such as " + role.fhirUserType() + "/123";
        }
        if (user.displayName() == null
                || user.displayName().isBlank()
                || user.displayName().length() > 200) {
            return "displayName: 1 to 200 characters";
        }
        return null;
    }

    private static Map<String, Object> view(PortalUser user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("username", user.username());
        view.put("role", user.role().claimValue());
        view.put("fhirUser", user.fhirUser());
        view.put("displayName", user.displayName());
        view.put("enabled", user.enabled());
        return view;
    }

    private Map<String, Object> view(RegisteredClient client) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("client_id", client.getClientId());
        view.put("client_name", client.getClientName());
        view.put(
                "token_endpoint_auth_method",
                client.getClientAuthenticationMethods().stream()
                        .map(ClientAuthenticationMethod::getValue)
                        .collect(Collectors.joining(" ")));
        view.put(
                "grant_types",
                client.getAuthorizationGrantTypes().stream()
                        .map(AuthorizationGrantType::getValue)
                        .sorted()
                        .toList());
        view.put("redirect_uris", client.getRedirectUris().stream().sorted().toList());
        view.put("scope", String.join(" ", client.getScopes().stream().sorted().toList()));
        view.put("enabled", !enabledClients.disabled(client.getId()));
        // A Backend Services client's role (from configuration only), as its tokens carry it.
        ClientRegistrations.role(client).ifPresent(role -> view.putAll(role.claims()));
        return view;
    }

    private static Map<String, Object> error(String code, String description) {
        return Map.of("error", code, "error_description", description);
    }
}
