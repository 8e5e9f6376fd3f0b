package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The patient picker page of {@link PatientPicker}: search by name or NHS number, choose, continue. It
 * lists only the clinician's own patients ({@link ClinicianReach}); another needs a typed break-glass
 * reason, audited when that patient is chosen.
 */
@Controller
class PatientPickerController {

    private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);

    private final PortalUsers users;
    private final PatientFinder patients;
    private final ClinicianReach reach;
    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;

    PatientPickerController(
            PortalUsers users,
            PatientFinder patients,
            ClinicianReach reach,
            OAuth2AuthorizationService authorizations,
            RegisteredClientRepository clients) {
        this.users = users;
        this.patients = patients;
        this.reach = reach;
        this.authorizations = authorizations;
        this.clients = clients;
    }

    @GetMapping(PatientPicker.PATH)
    String page(
            Principal principal,
            HttpSession session,
            Model model,
            HttpServletResponse response,
            @RequestParam(name = "q", required = false) String query,
            @RequestParam(name = "reason", required = false) String reason) {
        Optional<PatientPicker.Pending> pending = pending(session);
        if (pending.isEmpty()) {
            return nothingPending(model, response);
        }
        Optional<PortalUser> clinician = clinician(principal);
        if (clinician.isEmpty()) {
            return EhrSimulatorController.forbidden(model, response);
        }
        return show(model, pending.get(), clinician.get(), query, reason, null);
    }

    @PostMapping(PatientPicker.PATH)
    String choose(
            Principal principal,
            HttpSession session,
            Model model,
            HttpServletResponse response,
            @RequestParam(name = "patient", required = false) String patientId,
            @RequestParam(name = "q", required = false) String query,
            @RequestParam(name = "reason", required = false) String reason,
            HttpServletRequest request) {
        Optional<PatientPicker.Pending> pending = pending(session);
        if (pending.isEmpty()) {
            return nothingPending(model, response);
        }
        Optional<PortalUser> clinician = clinician(principal);
        if (clinician.isEmpty()) {
            return EhrSimulatorController.forbidden(model, response);
        }
        Optional<PatientFinder.PatientSummary> patient = patients.patient(patientId);
        if (patient.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return show(model, pending.get(), clinician.get(), query, reason, "Choose a patient from the list.");
        }
        if (!reach.admit(clinician.get(), patient.get().id(), reason, request.getRemoteAddr())) {
            response.setStatus(HttpStatus.FORBIDDEN.value());
            return show(model, pending.get(), clinician.get(), query, null, EhrSimulatorController.OUTSIDE_CARE);
        }
        OAuth2Authorization authorization =
                authorizations.findByToken(pending.get().code(), CODE);
        session.removeAttribute(PatientPicker.SESSION_KEY);
        if (authorization == null || !authorization.getPrincipalName().equals(principal.getName())) {
            return nothingPending(model, response);
        }
        authorizations.save(OAuth2Authorization.from(authorization)
                .attribute(PatientPicker.CHOSEN_PATIENT_ATTRIBUTE, patient.get().id())
                .build());
        return "redirect:" + PatientPicker.codeRedirect(pending.get());
    }

    @PostMapping(PatientPicker.PATH + "/cancel")
    String cancel(Principal principal, HttpSession session, Model model, HttpServletResponse response) {
        Optional<PatientPicker.Pending> pending = pending(session);
        if (pending.isEmpty()) {
            return nothingPending(model, response);
        }
        session.removeAttribute(PatientPicker.SESSION_KEY);
        OAuth2Authorization authorization =
                authorizations.findByToken(pending.get().code(), CODE);
        if (authorization != null && authorization.getPrincipalName().equals(principal.getName())) {
            authorizations.remove(authorization);
        }
        return "redirect:" + PatientPicker.deniedRedirect(pending.get());
    }

    private String show(
            Model model,
            PatientPicker.Pending pending,
            PortalUser clinician,
            String query,
            String reason,
            String problem) {
        ClinicianReach.Reach allowed = reach.of(clinician, reason);
        RegisteredClient client = clients.findByClientId(pending.clientId());
        model.addAttribute("clientName", client == null ? pending.clientId() : client.getClientName());
        model.addAttribute("query", query == null ? "" : query);
        model.addAttribute("reason", allowed.breakGlass() ? reason.strip() : "");
        model.addAttribute("breakGlass", allowed.breakGlass());
        model.addAttribute("searched", query != null && !query.isBlank());
        model.addAttribute("results", patients.find(query, allowed));
        String shownProblem = problem;
        if (shownProblem == null && reason != null && !reason.isBlank() && !allowed.breakGlass()) {
            shownProblem = EhrSimulatorController.REASON_TOO_SHORT;
        }
        model.addAttribute("problem", shownProblem);
        return "patient-picker";
    }

    private Optional<PortalUser> clinician(Principal principal) {
        return users.find(principal.getName()).filter(user -> user.role() == PortalRole.PRACTITIONER);
    }

    private static Optional<PatientPicker.Pending> pending(HttpSession session) {
        return session.getAttribute(PatientPicker.SESSION_KEY) instanceof PatientPicker.Pending pending
                ? Optional.of(pending)
                : Optional.empty();
    }

    private static String nothingPending(Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        model.addAttribute("status", HttpStatus.BAD_REQUEST.value());
        model.addAttribute("error", "No app is waiting for a patient");
        model.addAttribute(
                "explanation", "This page is part of opening an app. Go back to the app and start again from there.");
        return "error";
    }
}
