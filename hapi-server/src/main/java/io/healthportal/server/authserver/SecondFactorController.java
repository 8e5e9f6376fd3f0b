package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The second step of a staff sign-in: the TOTP code after the password. A member of staff without a
 * secret yet is shown a new one (once, as text and as an {@code otpauth://} link) and enrolled when they
 * enter a code from it. Wrong codes count towards the same lock as wrong passwords.
 */
@Controller
class SecondFactorController {

    private static final Logger log = LoggerFactory.getLogger(SecondFactorController.class);
    /** Session attribute: the secret offered to a member of staff who is enrolling, until they prove it. */
    private static final String OFFERED_SECRET = SecondFactorController.class.getName() + ".SECRET";

    static final String ISSUER = "Patient health portal";

    private final StaffSecondFactor secondFactor;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final RequestCache requestCache = new HttpSessionRequestCache();

    SecondFactorController(StaffSecondFactor secondFactor, LoginThrottle throttle, ApplicationEventPublisher events) {
        this.secondFactor = secondFactor;
        this.throttle = throttle;
        this.events = events;
    }

    @GetMapping(SecondFactorLogin.CODE_PAGE)
    String page(HttpSession session, @RequestParam(name = "error", required = false) String error, Model model) {
        Authentication pending = pending(session);
        if (pending == null) {
            return "redirect:" + AuthorizationServerConfig.LOGIN_PAGE;
        }
        model.addAttribute("failed", error != null);
        if (!secondFactor.enrolled(pending.getName())) {
            byte[] secret = (byte[]) session.getAttribute(OFFERED_SECRET);
            if (secret == null) {
                secret = Totp.newSecret();
                session.setAttribute(OFFERED_SECRET, secret);
            }
            model.addAttribute("secret", Totp.base32(secret));
            model.addAttribute("uri", Totp.otpauthUri(ISSUER, pending.getName(), secret));
        }
        return "login-code";
    }

    @PostMapping(SecondFactorLogin.CODE_PAGE)
    String submit(
            HttpServletRequest request,
            HttpServletResponse response,
            @RequestParam(name = "code", required = false) String code) {
        HttpSession session = request.getSession();
        Authentication pending = pending(session);
        if (pending == null) {
            return "redirect:" + AuthorizationServerConfig.LOGIN_PAGE;
        }
        String username = pending.getName();
        if (throttle.locked(username)) {
            return startAgain(session);
        }
        String entered = code == null ? null : code.replace(" ", "");
        byte[] offered = (byte[]) session.getAttribute(OFFERED_SECRET);
        boolean enrolling = offered != null && !secondFactor.enrolled(username);
        boolean right =
                enrolling ? secondFactor.enrol(username, offered, entered) : secondFactor.verify(username, entered);
        events.publishEvent(new AccountEvents.SecondFactorChecked(username, right, enrolling, request.getRemoteAddr()));
        if (!right) {
            throttle.recordFailure(username);
            return throttle.locked(username)
                    ? startAgain(session)
                    : "redirect:" + SecondFactorLogin.CODE_PAGE + "?error";
        }
        if (enrolling) {
            log.debug("Staff user {} enrolled a TOTP authenticator", username);
        }
        session.removeAttribute(SecondFactorLogin.PENDING);
        session.removeAttribute(OFFERED_SECRET);
        throttle.reset(username);
        request.changeSessionId();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(pending);
        SecurityContextHolder.setContext(context);
        SecondFactorLogin.CONTEXTS.saveContext(context, request, response);
        SavedRequest saved = requestCache.getRequest(request, response);
        return "redirect:" + (saved == null ? "/" : saved.getRedirectUrl());
    }

    /** Back to the password: the lock applies, and the next sign-in starts from the beginning. */
    private static String startAgain(HttpSession session) {
        session.removeAttribute(SecondFactorLogin.PENDING);
        session.removeAttribute(OFFERED_SECRET);
        return "redirect:" + AuthorizationServerConfig.LOGIN_PAGE + "?error";
    }

    private static Authentication pending(HttpSession session) {
        return session.getAttribute(SecondFactorLogin.PENDING) instanceof Authentication authentication
                ? authentication
                : null;
    }
}
