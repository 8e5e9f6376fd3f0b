package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * After a right password (or an external identity provider's sign-in): a patient is signed in; a
 * member of staff is not yet. Their password
 * authentication is parked in the session and they are sent to {@link SecondFactorController} for their
 * TOTP code, which completes the sign-in.
 */
class SecondFactorLogin implements AuthenticationSuccessHandler {

    static final String CODE_PAGE = "/login/code";
    /** Session attribute: the password authentication waiting for its second factor. */
    static final String PENDING = SecondFactorLogin.class.getName() + ".PENDING";

    static final SecurityContextRepository CONTEXTS = new DelegatingSecurityContextRepository(
            new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository());

    private final AuthenticationSuccessHandler signedIn = new SavedRequestAwareAuthenticationSuccessHandler();

    @Override
    public void onAuthenticationSuccess(
            HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException, jakarta.servlet.ServletException {
        if (!needsSecondFactor(authentication)) {
            signedIn.onAuthenticationSuccess(request, response, authentication);
            return;
        }
        awaitSecondFactor(request, response, authentication);
    }

    /**
     * A sign-in through an external identity provider ({@link ExternalSignIn}): {@code authentication}
     * is the portal account's, as a password sign-in makes it. Staff go on to their TOTP code unless the
     * provider's own multi-factor authentication is accepted in its place.
     */
    void externalSignIn(
            HttpServletRequest request,
            HttpServletResponse response,
            Authentication authentication,
            boolean multiFactorDone)
            throws IOException, jakarta.servlet.ServletException {
        if (needsSecondFactor(authentication) && !multiFactorDone) {
            awaitSecondFactor(request, response, authentication);
            return;
        }
        // A password sign-in this browser left waiting for its code is over: this one replaces it.
        request.getSession().removeAttribute(PENDING);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        CONTEXTS.saveContext(context, request, response);
        signedIn.onAuthenticationSuccess(request, response, authentication);
    }

    private static void awaitSecondFactor(
            HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        HttpSession session = request.getSession();
        session.setAttribute(PENDING, authentication);
        SecurityContext empty = SecurityContextHolder.createEmptyContext();
        SecurityContextHolder.setContext(empty);
        CONTEXTS.saveContext(empty, request, response);
        response.sendRedirect(request.getContextPath() + CODE_PAGE);
    }

    /** Staff roles, as the login's user details name them ({@code ROLE_PRACTITIONER}, ...). */
    static boolean needsSecondFactor(Authentication authentication) {
        return authentication.getAuthorities().stream().anyMatch(authority -> {
            for (PortalRole role : PortalRole.values()) {
                if (role.staff() && authority.getAuthority().equals("ROLE_" + role.name())) {
                    return true;
                }
            }
            return false;
        });
    }
}
