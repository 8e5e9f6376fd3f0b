package io.healthportal.ingest.operator;

import io.healthportal.ingest.intake.Receipts;
import io.healthportal.ingest.operator.DeadLetters.DeadLetter;
import io.healthportal.ingest.operator.OperatorAudit.Outcome;
import io.healthportal.ingest.security.Caller;
import io.healthportal.ingest.security.CallerProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator API over dead letters, for portal administrators (the {@code administrator} role in
 * their hapi-server token): list and show them without patient data, replay or discard them. Reading
 * a payload, which holds patient data, also needs the ingest-operator permission
 * ({@code portal.ingest.callers.payload-viewers}). Every request is audited, refusals included.
 */
@RestController
@RequestMapping("/operator/dead-letters")
class DeadLetterController {

    private static final int MAX_LIMIT = 500;

    private final DeadLetters deadLetters;
    private final Receipts receipts;
    private final OperatorAudit audit;
    private final CallerProperties callers;

    DeadLetterController(DeadLetters deadLetters, Receipts receipts, OperatorAudit audit, CallerProperties callers) {
        this.deadLetters = deadLetters;
        this.receipts = receipts;
        this.audit = audit;
        this.callers = callers;
    }

    @GetMapping
    ResponseEntity<?> list(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "false") boolean includeResolved,
            @RequestParam(defaultValue = "100") int limit) {
        Caller caller = Caller.of(token);
        if (!caller.isAdministrator()) {
            return denied(caller, "list", null);
        }
        audit.record(caller.subject(), "list", null, Outcome.ALLOWED);
        List<DeadLetter> found = deadLetters.list(includeResolved, Math.max(1, Math.min(limit, MAX_LIMIT)));
        return ResponseEntity.ok(Map.of("deadLetters", found));
    }

    @GetMapping("/{receiptId}")
    ResponseEntity<?> show(@AuthenticationPrincipal Jwt token, @PathVariable UUID receiptId) {
        Caller caller = Caller.of(token);
        if (!caller.isAdministrator()) {
            return denied(caller, "show", receiptId);
        }
        Optional<DeadLetter> found = deadLetters.find(receiptId);
        audit.record(caller.subject(), "show", receiptId, found.isPresent() ? Outcome.ALLOWED : Outcome.NOT_FOUND);
        return found.<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> notFound(receiptId));
    }

    @GetMapping("/{receiptId}/payload")
    ResponseEntity<?> payload(@AuthenticationPrincipal Jwt token, @PathVariable UUID receiptId) {
        Caller caller = Caller.of(token);
        if (!caller.isAdministrator() || !callers.payloadViewers().contains(caller.subject())) {
            return denied(caller, "view-payload", receiptId);
        }
        if (deadLetters.find(receiptId).isEmpty()) {
            audit.record(caller.subject(), "view-payload", receiptId, Outcome.NOT_FOUND);
            return notFound(receiptId);
        }
        audit.record(caller.subject(), "view-payload", receiptId, Outcome.ALLOWED);
        // The archive keeps the bytes as received; the operator gets them as they were sent.
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header("Cache-Control", "no-store")
                .body(receipts.payload(receiptId));
    }

    @PostMapping("/{receiptId}/replay")
    ResponseEntity<?> replay(@AuthenticationPrincipal Jwt token, @PathVariable UUID receiptId) {
        return resolve(token, receiptId, "replay", deadLetters::replay, HttpStatus.ACCEPTED);
    }

    @PostMapping("/{receiptId}/discard")
    ResponseEntity<?> discard(@AuthenticationPrincipal Jwt token, @PathVariable UUID receiptId) {
        return resolve(token, receiptId, "discard", deadLetters::discard, HttpStatus.OK);
    }

    private interface Resolution {
        boolean apply(UUID receiptId, String operator);
    }

    private ResponseEntity<?> resolve(
            Jwt token, UUID receiptId, String action, Resolution resolution, HttpStatus success) {
        Caller caller = Caller.of(token);
        if (!caller.isAdministrator()) {
            return denied(caller, action, receiptId);
        }
        if (deadLetters.find(receiptId).isEmpty()) {
            audit.record(caller.subject(), action, receiptId, Outcome.NOT_FOUND);
            return notFound(receiptId);
        }
        if (!resolution.apply(receiptId, caller.subject())) {
            audit.record(caller.subject(), action, receiptId, Outcome.CONFLICT);
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(problem("INGEST-DEAD-LETTER-RESOLVED", "this dead letter was already replayed or discarded"));
        }
        audit.record(caller.subject(), action, receiptId, Outcome.ALLOWED);
        return ResponseEntity.status(success).body(deadLetters.find(receiptId).orElseThrow());
    }

    private ResponseEntity<?> denied(Caller caller, String action, UUID receiptId) {
        audit.record(caller.subject(), action, receiptId, Outcome.DENIED);
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .body(problem(
                        "INGEST-OPERATOR-DENIED",
                        action.equals("view-payload")
                                ? "reading a payload needs the administrator role and the ingest-operator permission"
                                : "the operator API needs the administrator role"));
    }

    private static ResponseEntity<?> notFound(UUID receiptId) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(problem("INGEST-DEAD-LETTER-UNKNOWN", "no dead letter for receipt " + receiptId));
    }

    private static Map<String, String> problem(String code, String reason) {
        return Map.of("code", code, "reason", reason);
    }
}
