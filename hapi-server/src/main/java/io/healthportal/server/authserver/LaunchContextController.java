package io.healthportal.server.authserver;

import io.healthportal.server.security.GroupMembers;
import io.healthportal.server.security.SystemRole;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /launch-contexts}: an EHR system (a Backend Services client with the {@link
 * SystemRole.EhrSystem} role, which its access token carries) puts a patient of its registered Group, and
 * optionally an encounter, the clinician's {@code fhirUser} and an intent, in context and gets the
 * opaque, single-use {@code launch} value it hands to the app with {@code iss}. A patient outside its
 * Group is refused: the launch would let a clinician's app reach that patient.
 */
@RestController
class LaunchContextController {

    static final String PATH = "/launch-contexts";

    /** The request body. */
    record LaunchRequest(String patient, String encounter, String fhirUser, String intent) {}

    private final LaunchContexts launches;
    private final GroupMembers groupMembers;

    LaunchContextController(LaunchContexts launches, GroupMembers groupMembers) {
        this.launches = launches;
        this.groupMembers = groupMembers;
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> create(@AuthenticationPrincipal Jwt token, @RequestBody LaunchRequest request) {
        if (!(SystemRole.fromToken(token).orElse(null) instanceof SystemRole.EhrSystem ehr)) {
            return forbidden("only an EHR system may create launches");
        }
        if (request.patient() == null || request.patient().isBlank()) {
            return ResponseEntity.badRequest()
                    .body(Map.of("error", "invalid_request", "error_description", "patient is required"));
        }
        if (!groupMembers.patientsOf(ehr.group()).contains(request.patient())) {
            return forbidden("the patient is not in the EHR system's registered Group");
        }
        // A client_credentials token names its client as the subject.
        String launch = launches.create(
                token.getSubject(),
                new LaunchContexts.LaunchContext(
                        request.patient(), request.encounter(), request.fhirUser(), request.intent()));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(Map.of("launch", launch, "expires_in", LaunchContexts.LIFETIME.toSeconds()));
    }

    private static ResponseEntity<Map<String, Object>> forbidden(String description) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .body(Map.of("error", "forbidden", "error_description", description));
    }
}
