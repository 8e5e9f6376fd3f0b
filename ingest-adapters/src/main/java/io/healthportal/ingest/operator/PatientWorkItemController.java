package io.healthportal.ingest.operator;

import io.healthportal.ingest.fhir.FhirWriteException;
import io.healthportal.ingest.operator.OperatorAudit.Outcome;
import io.healthportal.ingest.operator.PatientWorkItems.WorkItem;
import io.healthportal.ingest.security.Caller;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
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
 * The operator API over the work items of unverified Patients, for portal administrators, like the dead
 * letters' ({@link DeadLetterController}): list and show them (no patient data: the identifier's system
 * and a masked value, the Patient's reference), verify (the Patient loses its unverified tag on
 * hapi-server) or dismiss them. Every request is audited, refusals included.
 */
@RestController
@RequestMapping("/operator/patient-work-items")
class PatientWorkItemController {

    private static final Logger log = LoggerFactory.getLogger(PatientWorkItemController.class);
    private static final int MAX_LIMIT = 500;

    private final PatientWorkItems workItems;
    private final OperatorAudit audit;

    PatientWorkItemController(PatientWorkItems workItems, OperatorAudit audit) {
        this.workItems = workItems;
        this.audit = audit;
    }

    @GetMapping
    ResponseEntity<?> list(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "false") boolean includeResolved,
            @RequestParam(defaultValue = "100") int limit) {
        Caller caller = Caller.of(token);
        if (!caller.isAdministrator()) {
            return denied(caller, "list-work-items", null);
        }
        audit.record(caller.subject(), "list-work-items", null, null, Outcome.ALLOWED);
        return ResponseEntity.ok(Map.of(
                "workItems", workItems.list(includeResolved, Math.max(1, Math.min(limit, MAX_LIMIT)))));
    }

    @GetMapping("/{id}")
    ResponseEntity<?> show(@AuthenticationPrincipal Jwt token, @PathVariable long id) {
        Caller caller = Caller.of(token);
        if (!caller.isAdministrator()) {
            return denied(caller, "show-work-item", id);
        }
        Optional<WorkItem> found = workItems.find(id);
        audit(caller, "show-work-item", id, found, found.isPresent() ? Outcome.ALLOWED : Outcome.NOT_FOUND);
        return found.<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> notFound(id));
    }

    @PostMapping("/{id}/verify")
    ResponseEntity<?> verify(@AuthenticationPrincipal Jwt token, @PathVariable long id) {
        return resolve(token, id, "verify-work-item", workItems::verify);
    }

    @PostMapping("/{id}/dismiss")
    ResponseEntity<?> dismiss(@AuthenticationPrincipal Jwt token, @PathVariable long id) {
        return resolve(token, id, "dismiss-work-item", workItems::dismiss);
    }

    private interface Resolution {
        boolean apply(long id, String operator);
    }

    private ResponseEntity<?> resolve(Jwt token, long id, String action, Resolution resolution) {
        Caller caller = Caller.of(token);
        if (!caller.isAdministrator()) {
            return denied(caller, action, id);
        }
        Optional<WorkItem> found = workItems.find(id);
        if (found.isEmpty()) {
            audit(caller, action, id, found, Outcome.NOT_FOUND);
            return notFound(id);
        }
        boolean resolved;
        try {
            resolved = resolution.apply(id, caller.subject());
        } catch (FhirWriteException e) {
            log.warn("INGEST-WORK-ITEM-FHIR: work item {} not verified: {}", id, e.getMessage());
            audit(caller, action, id, found, Outcome.FAILED);
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
                    .body(problem(
                            "INGEST-WORK-ITEM-FHIR",
                            "hapi-server did not take the change (" + e.status() + "); the item stays open"));
        }
        if (!resolved) {
            audit(caller, action, id, found, Outcome.CONFLICT);
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(problem("INGEST-WORK-ITEM-RESOLVED", "this work item was already verified or dismissed"));
        }
        audit(caller, action, id, found, Outcome.ALLOWED);
        return ResponseEntity.ok(workItems.find(id).orElseThrow());
    }

    private void audit(Caller caller, String action, long id, Optional<WorkItem> item, Outcome outcome) {
        audit.record(caller.subject(), action, item.map(WorkItem::receiptId).orElse(null), id, outcome);
    }

    private ResponseEntity<?> denied(Caller caller, String action, Long id) {
        audit.record(caller.subject(), action, null, id, Outcome.DENIED);
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .body(problem("INGEST-OPERATOR-DENIED", "the operator API needs the administrator role"));
    }

    private static ResponseEntity<?> notFound(long id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(problem("INGEST-WORK-ITEM-UNKNOWN", "no patient work item " + id));
    }

    private static Map<String, String> problem(String code, String reason) {
        return Map.of("code", code, "reason", reason);
    }
}
