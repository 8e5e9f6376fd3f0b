package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/users/{username}/identities}: administrators link an external identity (a configured
 * provider and the subject it names the person by) to a portal account, list and remove such links.
 * Part of the admin API ({@link AdminApiConfig} lets only administrators in), and audited like the rest
 * of it. A link is the only way an external identity signs anyone in: nothing links by e-mail or name.
 */
@RestController
class IdentityLinkController {

    private static final Logger log = LoggerFactory.getLogger(IdentityLinkController.class);
    private static final String PATH = AdminController.PATH + "/users/{username}/identities";
    private static final String USER = "user";
    /** OpenID Connect: at most 255 ASCII characters. */
    private static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x7e]{1,255}");

    /** A link to make: the provider's configured id and the subject its ID tokens carry. */
    record NewLink(String provider, String subject) {}

    private final IdentityProviders providers;
    private final ExternalIdentities identities;
    private final PortalUsers users;
    private final ApplicationEventPublisher events;

    IdentityLinkController(
            IdentityProviders providers,
            ExternalIdentities identities,
            PortalUsers users,
            ApplicationEventPublisher events) {
        this.providers = providers;
        this.identities = identities;
        this.users = users;
        this.events = events;
    }

    @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> list(
            @AuthenticationPrincipal Jwt admin, HttpServletRequest request, @PathVariable("username") String username) {
        ResponseEntity<?> response = users.find(username).isEmpty()
                ? error(HttpStatus.NOT_FOUND, "not_found", "No such user")
                : ResponseEntity.ok(identities.of(username).stream()
                        .map(IdentityLinkController::view)
                        .toList());
        return audited(admin, request, "list-identities", username, response);
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> link(
            @AuthenticationPrincipal Jwt admin,
            HttpServletRequest request,
            @PathVariable("username") String username,
            @RequestBody NewLink body) {
        Optional<PortalUser> user = users.find(username);
        Optional<IdentityProviderProperties.Provider> provider = providers.provider(body.provider());
        ResponseEntity<?> response;
        if (user.isEmpty()) {
            response = error(HttpStatus.NOT_FOUND, "not_found", "No such user");
        } else if (provider.isEmpty()) {
            response = badRequest("provider: the id of a configured identity provider");
        } else if (body.subject() == null || !SUBJECT.matcher(body.subject()).matches()) {
            response = badRequest("subject: the provider's subject identifier, 1 to 255 visible ASCII characters");
        } else if (!provider.get().accounts().admits(user.get().role())) {
            response = badRequest("provider: " + body.provider() + " signs in "
                    + provider.get().accounts().name().toLowerCase(java.util.Locale.ROOT) + " only");
        } else if (!identities.link(
                body.provider(), provider.get().issuer(), body.subject(), username, admin.getSubject())) {
            response = error(HttpStatus.CONFLICT, "conflict", "This identity is linked to an account already");
        } else {
            response = ResponseEntity.status(HttpStatus.CREATED)
                    .body(view(new ExternalIdentities.Link(
                            body.provider(), provider.get().issuer(), body.subject(), username)));
        }
        return audited(admin, request, "link-identity", username, response);
    }

    @DeleteMapping(path = PATH)
    ResponseEntity<?> unlink(
            @AuthenticationPrincipal Jwt admin,
            HttpServletRequest request,
            @PathVariable("username") String username,
            @RequestParam("provider") String providerId,
            @RequestParam("subject") String subject) {
        // A link of a provider no longer configured is found by the issuer it was stored under.
        Optional<String> issuer = providers
                .provider(providerId)
                .map(IdentityProviderProperties.Provider::issuer)
                .or(() -> identities.of(username).stream()
                        .filter(link -> link.providerId().equals(providerId))
                        .map(ExternalIdentities.Link::issuer)
                        .findFirst());
        ResponseEntity<?> response = issuer.isPresent() && identities.unlink(issuer.get(), subject, username)
                ? ResponseEntity.noContent().build()
                : error(HttpStatus.NOT_FOUND, "not_found", "No such link for this user");
        return audited(admin, request, "unlink-identity", username, response);
    }

    private ResponseEntity<?> audited(
            Jwt admin, HttpServletRequest request, String action, String username, ResponseEntity<?> response) {
        int status = response.getStatusCode().value();
        events.publishEvent(new AccountEvents.AdminAction(
                admin.getSubject(),
                admin.getClaimAsString("fhirUser"),
                admin.getClaimAsString("client_id"),
                admin.getId(),
                action,
                USER,
                username,
                status,
                request.getRemoteAddr()));
        log.debug("Admin API {} on user {} by {}: {}", action, username, admin.getSubject(), status);
        return response;
    }

    private static Map<String, Object> view(ExternalIdentities.Link link) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("provider", link.providerId());
        view.put("issuer", link.issuer());
        view.put("subject", link.subject());
        return view;
    }

    private static ResponseEntity<?> badRequest(String problem) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request", problem);
    }

    private static ResponseEntity<?> error(HttpStatus status, String code, String description) {
        return ResponseEntity.status(status).body(Map.of("error", code, "error_description", description));
    }
}
