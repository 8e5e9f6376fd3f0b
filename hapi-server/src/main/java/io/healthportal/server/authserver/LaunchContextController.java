package io.healthportal.server.authserver;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /launch-contexts}: an EHR system (a Backend Services client registered as one) puts a
 * patient, and optionally an encounter, the clinician's {@code fhirUser} and an intent, in context and
 * gets the opaque, single-use {@code launch} value it hands to the app with {@code iss}.
 */
@RestController
class LaunchContextController {

    static final String PATH = "/launch-contexts";

    /** The request body. */
    record LaunchRequest(String patient, String encounter, String fhirUser, String intent) {}

    private final LaunchContexts launches;
    private final RegisteredClientRepository clients;

    LaunchContextController(LaunchContexts launches, RegisteredClientRepository clients) {
        this.launches = launches;
        this.clients = clients;
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> create(@AuthenticationPrincipal Jwt token, @RequestBody LaunchRequest request) {
        // A client_credentials token names its client as the subject; a person's token names the person.
        RegisteredClient client = clients.findByClientId(token.getSubject());
        if (client == null || !ClientRegistrations.isEhrSystem(client)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body(Map.of("error", "forbidden", "error_description", "only an EHR system may create launches"));
        }
        if (request.patient() == null || request.patient().isBlank()) {
            return ResponseEntity.badRequest()
                    .body(Map.of("error", "invalid_request", "error_description", "patient is required"));
        }
        String launch = launches.create(
                client.getClientId(),
                new LaunchContexts.LaunchContext(
                        request.patient(), request.encounter(), request.fhirUser(), request.intent()));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(Map.of("launch", launch, "expires_in", LaunchContexts.LIFETIME.toSeconds()));
    }
}
