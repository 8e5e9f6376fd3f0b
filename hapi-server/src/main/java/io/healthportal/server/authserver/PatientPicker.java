package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The clinician's patient picker in a standalone launch (issue 3, item 4): when a clinician grants
 * {@code launch/patient} without an EHR launch, the authorization code is held back (in their session)
 * and they are sent to {@link PatientPickerController} to choose a patient; the choice is stored on the
 * authorization, becomes the token's {@code patient}, and only then does the app get its code. A patient
 * never sees the picker: their own record is their context.
 */
final class PatientPicker {

    static final String PATH = "/patient-picker";
    /** The authorization attribute holding the chosen patient's id. */
    static final String CHOSEN_PATIENT_ATTRIBUTE = "portal.chosen-patient";

    static final String SESSION_KEY = PatientPicker.class.getName() + ".pending";

    private PatientPicker() {}

    /** An authorization response waiting for the clinician's choice. */
    record Pending(String code, String redirectUri, String state, String clientId) implements Serializable {}

    static boolean needsPicker(Set<String> grantedScopes, PortalRole role) {
        return role == PortalRole.PRACTITIONER
                && grantedScopes.contains("launch/patient")
                && !grantedScopes.contains(SmartAuthorizationRequestValidator.LAUNCH);
    }

    /** The redirect back to the app with the code and state, as Spring Authorization Server sends it. */
    static String codeRedirect(Pending pending) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(pending.redirectUri())
                .queryParam(OAuth2ParameterNames.CODE, pending.code());
        if (StringUtils.hasText(pending.state())) {
            uri.queryParam(OAuth2ParameterNames.STATE, UriUtils.encode(pending.state(), StandardCharsets.UTF_8));
        }
        return uri.build(true).toUriString();
    }

    /** The redirect back to the app when the clinician cancels: {@code access_denied}. */
    static String deniedRedirect(Pending pending) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(pending.redirectUri())
                .queryParam(OAuth2ParameterNames.ERROR, "access_denied");
        if (StringUtils.hasText(pending.state())) {
            uri.queryParam(OAuth2ParameterNames.STATE, UriUtils.encode(pending.state(), StandardCharsets.UTF_8));
        }
        return uri.build(true).toUriString();
    }

    /** The authorization endpoint's success handler: the usual redirect, or the picker first. */
    static final class ResponseHandler implements AuthenticationSuccessHandler {

        private final PortalUsers users;
        private final RedirectStrategy redirects = new DefaultRedirectStrategy();

        ResponseHandler(PortalUsers users) {
            this.users = users;
        }

        @Override
        public void onAuthenticationSuccess(
                HttpServletRequest request, HttpServletResponse response, Authentication authentication)
                throws IOException {
            OAuth2AuthorizationCodeRequestAuthenticationToken granted =
                    (OAuth2AuthorizationCodeRequestAuthenticationToken) authentication;
            Pending pending = new Pending(
                    granted.getAuthorizationCode().getTokenValue(),
                    granted.getRedirectUri(),
                    granted.getState(),
                    granted.getClientId());
            Authentication person = (Authentication) granted.getPrincipal();
            PortalRole role = users.find(person.getName()).map(PortalUser::role).orElse(null);
            if (needsPicker(granted.getScopes(), role)) {
                request.getSession().setAttribute(SESSION_KEY, pending);
                redirects.sendRedirect(request, response, PATH);
                return;
            }
            redirects.sendRedirect(request, response, codeRedirect(pending));
        }
    }
}
