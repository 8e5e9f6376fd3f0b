package io.healthportal.server.authserver;

import io.healthportal.server.config.PortalProperties;
import io.healthportal.server.security.BreakGlassReason;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The EHR simulator (issue 3, item 3): a clinician signs in, finds a patient, optionally picks one of
 * their encounters, picks a registered app with a launch URL, and is sent to the app's launch URL with
 * {@code iss} and a {@code launch} created by the same {@link LaunchContexts} the launch API uses. Plain
 * forms and links, no script. Only clinicians may use it; anyone else signed in gets a 403 page. It lists
 * and launches only the clinician's own patients ({@link ClinicianReach}); another patient needs a typed
 * break-glass reason, which is audited when that patient is launched.
 */
@Controller
class EhrSimulatorController {

    static final String PATH = "/ehr-simulator";
    /** Who created a launch, as {@code smart_launch_context.created_by} records it. */
    static final String CREATED_BY = "ehr-simulator";

    static final String OUTSIDE_CARE = "This patient is not one of yours. To open their record anyway, type your"
            + " reason (break-glass) and search again; the access is recorded.";
    static final String REASON_TOO_SHORT = "A break-glass reason needs at least "
            + BreakGlassReason.MIN_LENGTH
            + " characters. Only your own patients are listed.";

    private final PortalUsers users;
    private final PatientFinder patients;
    private final ClinicianReach reach;
    private final LaunchableApps apps;
    private final LaunchContexts launches;
    private final String fhirBase;

    EhrSimulatorController(
            PortalUsers users,
            PatientFinder patients,
            ClinicianReach reach,
            LaunchableApps apps,
            LaunchContexts launches,
            PortalProperties portal) {
        this.users = users;
        this.patients = patients;
        this.reach = reach;
        this.apps = apps;
        this.launches = launches;
        this.fhirBase = portal.fhirBaseUrl();
    }

    @GetMapping(PATH)
    String page(
            Principal principal,
            Model model,
            HttpServletResponse response,
            @RequestParam(name = "q", required = false) String query,
            @RequestParam(name = "patient", required = false) String patientId,
            @RequestParam(name = "reason", required = false) String reason) {
        Optional<PortalUser> clinician = clinician(principal);
        if (clinician.isEmpty()) {
            return forbidden(model, response);
        }
        return show(model, clinician.get(), query, patientId, reason, null);
    }

    @PostMapping(PATH + "/launch")
    String launch(
            Principal principal,
            Model model,
            HttpServletResponse response,
            @RequestParam(name = "patient", required = false) String patientId,
            @RequestParam(name = "encounter", required = false) String encounterId,
            @RequestParam(name = "app", required = false) String clientId,
            @RequestParam(name = "intent", required = false) String intent,
            @RequestParam(name = "reason", required = false) String reason,
            HttpServletRequest request) {
        Optional<PortalUser> clinician = clinician(principal);
        if (clinician.isEmpty()) {
            return forbidden(model, response);
        }
        Optional<PatientFinder.PatientSummary> patient = patients.patient(patientId);
        if (patient.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return show(model, clinician.get(), null, null, null, "Choose a patient first.");
        }
        String encounter = encounterId == null || encounterId.isBlank() ? null : encounterId;
        if (encounter != null
                && patients.encounters(patient.get().id()).stream().noneMatch(e -> e.id().equals(encounter))) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return show(
                    model,
                    clinician.get(),
                    null,
                    patient.get().id(),
                    reason,
                    "Choose an encounter from this patient's list, or no encounter.");
        }
        Optional<LaunchableApps.App> app = apps.find(clientId);
        if (app.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return show(model, clinician.get(), null, patient.get().id(), reason, "Choose an app to launch.");
        }
        if (!reach.admit(clinician.get(), patient.get().id(), reason, request.getRemoteAddr())) {
            response.setStatus(HttpStatus.FORBIDDEN.value());
            return show(model, clinician.get(), null, null, null, OUTSIDE_CARE);
        }
        String launch = launches.create(
                CREATED_BY,
                new LaunchContexts.LaunchContext(
                        patient.get().id(),
                        encounter,
                        clinician.get().fhirUser(),
                        intent == null || intent.isBlank() ? null : intent.strip()));
        String url = app.get().launchUrl();
        return "redirect:" + url + (url.contains("?") ? "&" : "?") + "iss=" + encode(fhirBase) + "&launch="
                + encode(launch);
    }

    private String show(
            Model model, PortalUser clinician, String query, String patientId, String reason, String problem) {
        ClinicianReach.Reach allowed = reach.of(clinician, reason);
        model.addAttribute("userName", clinician.displayName());
        model.addAttribute("query", query == null ? "" : query);
        model.addAttribute("reason", allowed.breakGlass() ? reason.strip() : "");
        model.addAttribute("breakGlass", allowed.breakGlass());
        model.addAttribute("searched", query != null && !query.isBlank());
        model.addAttribute("results", patients.find(query, allowed));
        String shownProblem = problem;
        if (shownProblem == null && reason != null && !reason.isBlank() && !allowed.breakGlass()) {
            shownProblem = REASON_TOO_SHORT;
        }
        model.addAttribute("problem", shownProblem);
        patients.patient(patientId)
                .filter(patient -> allowed.includes(patient.id()))
                .ifPresent(patient -> {
                    model.addAttribute("patient", patient);
                    model.addAttribute("encounters", patients.encounters(patient.id()));
                    model.addAttribute("apps", apps.all());
                });
        return "ehr-simulator";
    }

    private Optional<PortalUser> clinician(Principal principal) {
        return users.find(principal.getName()).filter(user -> user.role() == PortalRole.PRACTITIONER);
    }

    static String forbidden(Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.FORBIDDEN.value());
        model.addAttribute("status", HttpStatus.FORBIDDEN.value());
        model.addAttribute("error", "Only clinicians can use this page");
        model.addAttribute(
                "explanation",
                "You are signed in with an account that is not a clinician's. Sign in as a clinician to open"
                        + " apps for a patient.");
        return "error";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
