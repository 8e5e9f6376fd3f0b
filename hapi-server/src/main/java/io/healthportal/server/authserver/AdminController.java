package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin}: administrators list, create, disable and enable users, reset a staff member's second
 * factor, set a password or a role, and list, create and disable clients. {@link AdminApiConfig} lets
 * only a person's access token with the administrator role in; nothing here returns a password hash or
 * a client secret, except a new client's secret in the answer that creates it. Every request, refused
 * ones included, is published as an {@link AccountEvents.AdminAction} for the audit trail.
 */
@RestController
class AdminController {

    static final String PATH = "/admin";

    private static final String USER = "user";
    private static final String CLIENT = "client";

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,100}");
    private static final Pattern FHIR_USER = Pattern.compile("(Patient|Practitioner)/[A-Za-z0-9.-]{1,64}");
    private static final int MIN_PASSWORD_LENGTH = 12;
    /** bcrypt reads no further. */
    private static final int MAX_PASSWORD_BYTES = 72;

    /** A new user: {@code role} is patient, practitioner, receptionist or administrator. */
    record NewUser(String username, String password, String role, String fhirUser, String displayName) {}

    /** A new role; {@code fhirUser} is needed when the role links to another resource type. */
    record NewRole(String role, String fhirUser) {}

    record NewPassword(String password) {}

    private final PortalUsers users;
    private final ClientRegistrations registrations;
    private final RegisteredClientRepository allClients;
    private final EnabledClients enabledClients;
    private final StaffSecondFactor secondFactor;
    private final JdbcTemplate jdbc;
    private final ApplicationEventPublisher events;

    AdminController(
            PortalUsers users,
            ClientRegistrations registrations,
            AuthorizationServerConfig.AllClients allClients,
            EnabledClients enabledClients,
            StaffSecondFactor secondFactor,
            JdbcTemplate jdbc,
            ApplicationEventPublisher events) {
        this.users = users;
        this.registrations = registrations;
        this.allClients = allClients.repository();
        this.enabledClients = enabledClients;
        this.secondFactor = secondFactor;
        this.jdbc = jdbc;
        this.events = events;
    }

    @GetMapping(path = PATH + "/users", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> users(@AuthenticationPrincipal Jwt admin, HttpServletRequest request) {
        publish(admin, request, "list-users", USER, null, HttpStatus.OK.value());
        return users.all().stream().map(AdminController::view).toList();
    }

    @PostMapping(
            path = PATH + "/users",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> createUser(
            @AuthenticationPrincipal Jwt admin, HttpServletRequest request, @RequestBody NewUser user) {
        String target = user.username();
        String problem = problem(user);
        if (problem != null) {
            return audited(admin, request, "create-user", USER, target, badRequest(problem));
        }
        PortalRole role = PortalRole.fromClaim(user.role()).orElseThrow();
        if (!users.create(user.username(), user.password(), role, user.fhirUser(), user.displayName())) {
            return audited(
                    admin,
                    request,
                    "create-user",
                    USER,
                    target,
                    ResponseEntity.status(HttpStatus.CONFLICT)
                            .body(error("conflict", "A user with this username exists already")));
        }
        return audited(
                admin,
                request,
                "create-user",
                USER,
                target,
                ResponseEntity.status(HttpStatus.CREATED)
                        .body(view(users.find(target).orElseThrow())));
    }

    @PostMapping(path = PATH + "/users/{username}/disable")
    ResponseEntity<Map<String, Object>> disableUser(
            @AuthenticationPrincipal Jwt admin, HttpServletRequest request, @PathVariable("username") String username) {
        return audited(
                admin, request, "disable-user", USER, username, users.disable(username) ? noContent() : noSuchUser());
    }

    @PostMapping(path = PATH + "/users/{username}/enable")
    ResponseEntity<Map<String, Object>> enableUser(
            @AuthenticationPrincipal Jwt admin, HttpServletRequest request, @PathVariable("username") String username) {
        return audited(
                admin, request, "enable-user", USER, username, users.enable(username) ? noContent() : noSuchUser());
    }

    /** A member of staff lost their authenticator: they enrol a new one at their next sign-in. */
    @PostMapping(path = PATH + "/users/{username}/second-factor/reset")
    ResponseEntity<Map<String, Object>> resetSecondFactor(
            @AuthenticationPrincipal Jwt admin, HttpServletRequest request, @PathVariable("username") String username) {
        ResponseEntity<Map<String, Object>> response;
        if (users.find(username).isEmpty()) {
            response = noSuchUser();
        } else if (!secondFactor.reset(username)) {
            response = ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(error("not_found", "This user has no authenticator enrolled"));
        } else {
            response = noContent();
        }
        return audited(admin, request, "reset-second-factor", USER, username, response);
    }

    /** A new password; the user's grants end, so every app signs in again. */
    @PostMapping(path = PATH + "/users/{username}/password", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> setPassword(
            @AuthenticationPrincipal Jwt admin,
            HttpServletRequest request,
            @PathVariable("username") String username,
            @RequestBody NewPassword body) {
        String problem = passwordProblem(body.password());
        ResponseEntity<Map<String, Object>> response = problem != null
                ? badRequest(problem)
                : users.changePassword(username, body.password()) ? noContent() : noSuchUser();
        return audited(admin, request, "set-password", USER, username, response);
    }

    /**
     * Another role; the user's grants end, since their tokens carry the old one. An administrator cannot
     * change their own role, so the last administrator cannot lock everyone out by mistake.
     */
    @PutMapping(
            path = PATH + "/users/{username}/role",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> setRole(
            @AuthenticationPrincipal Jwt admin,
            HttpServletRequest request,
            @PathVariable("username") String username,
            @RequestBody NewRole body) {
        ResponseEntity<Map<String, Object>> response;
        PortalRole role =
                body.role() == null ? null : PortalRole.fromClaim(body.role()).orElse(null);
        var user = users.find(username);
        if (role == null) {
            response = badRequest("role: patient, practitioner, receptionist or administrator");
        } else if (user.isEmpty()) {
            response = noSuchUser();
        } else if (username.equals(admin.getSubject())) {
            response = ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(error("conflict", "Administrators cannot change their own role"));
        } else {
            String fhirUser =
                    body.fhirUser() != null ? body.fhirUser() : user.get().fhirUser();
            if (!FHIR_USER.matcher(fhirUser).matches() || !fhirUser.startsWith(role.fhirUserType() + "/")) {
                response = badRequest("fhirUser: a " + role.fhirUserType() + " reference is needed for this role");
            } else {
                users.changeRole(username, role, fhirUser);
                response = ResponseEntity.ok(view(users.find(username).orElseThrow()));
            }
        }
        return audited(admin, request, "set-role", USER, username, response);
    }

    @GetMapping(path = PATH + "/clients", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> clients(@AuthenticationPrincipal Jwt admin, HttpServletRequest request) {
        publish(admin, request, "list-clients", CLIENT, null, HttpStatus.OK.value());
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
            @AuthenticationPrincipal Jwt admin,
            HttpServletRequest request,
            @RequestBody com.fasterxml.jackson.databind.JsonNode body) {
        ClientMetadata metadata;
        try {
            metadata = ClientMetadata.parse(body);
        } catch (ClientMetadata.Invalid e) {
            return audited(
                    admin,
                    request,
                    "create-client",
                    CLIENT,
                    null,
                    ResponseEntity.badRequest().body(error(e.error(), e.getMessage())));
        }
        ClientRegistrations.Registered registered = registrations.register(metadata);
        return audited(
                admin,
                request,
                "create-client",
                CLIENT,
                registered.client().getClientId(),
                ResponseEntity.status(HttpStatus.CREATED)
                        .header("Cache-Control", "no-store")
                        .body(ClientRegistrationController.response(registered, metadata)));
    }

    @PostMapping(path = PATH + "/clients/{clientId}/disable")
    ResponseEntity<Map<String, Object>> disableClient(
            @AuthenticationPrincipal Jwt admin, HttpServletRequest request, @PathVariable("clientId") String clientId) {
        ResponseEntity<Map<String, Object>> response = enabledClients.disable(clientId, admin.getSubject())
                ? noContent()
                : ResponseEntity.status(HttpStatus.NOT_FOUND).body(error("not_found", "No such client"));
        return audited(admin, request, "disable-client", CLIENT, clientId, response);
    }

    /** Enables a disabled client (an app, a partner system, an EHR system) again. */
    @PostMapping(path = PATH + "/clients/{clientId}/enable")
    ResponseEntity<Map<String, Object>> enableClient(
            @AuthenticationPrincipal Jwt admin, HttpServletRequest request, @PathVariable("clientId") String clientId) {
        ResponseEntity<Map<String, Object>> response = enabledClients.enable(clientId)
                ? noContent()
                : ResponseEntity.status(HttpStatus.NOT_FOUND).body(error("not_found", "No such client"));
        return audited(admin, request, "enable-client", CLIENT, clientId, response);
    }

    private ResponseEntity<Map<String, Object>> audited(
            Jwt admin,
            HttpServletRequest request,
            String action,
            String targetKind,
            String target,
            ResponseEntity<Map<String, Object>> response) {
        publish(
                admin,
                request,
                action,
                targetKind,
                target,
                response.getStatusCode().value());
        log.debug(
                "Admin API {} on {} {} by {}: {}",
                action,
                targetKind,
                target,
                admin.getSubject(),
                response.getStatusCode());
        return response;
    }

    private void publish(
            Jwt admin, HttpServletRequest request, String action, String targetKind, String target, int status) {
        events.publishEvent(new AccountEvents.AdminAction(
                admin.getSubject(),
                admin.getClaimAsString("fhirUser"),
                admin.getClaimAsString("client_id"),
                admin.getId(),
                action,
                targetKind,
                target,
                status,
                request.getRemoteAddr()));
    }

    private static ResponseEntity<Map<String, Object>> noContent() {
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<Map<String, Object>> noSuchUser() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(error("not_found", "No such user"));
    }

    private static ResponseEntity<Map<String, Object>> badRequest(String problem) {
        return ResponseEntity.badRequest().body(error("invalid_request", problem));
    }

    private static String passwordProblem(String password) {
        if (password == null
                || password.length() < MIN_PASSWORD_LENGTH
                || password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return "password: at least " + MIN_PASSWORD_LENGTH + " characters and at most " + MAX_PASSWORD_BYTES
                    + " bytes";
        }
        return null;
    }

    private static String problem(NewUser user) {
        if (user.username() == null || !USERNAME.matcher(user.username()).matches()) {
            return "username: 3 to 100 letters, digits or . _ @ -";
        }
        String passwordProblem = passwordProblem(user.password());
        if (passwordProblem != null) {
            return passwordProblem;
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
