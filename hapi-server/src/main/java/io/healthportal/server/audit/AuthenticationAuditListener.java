package io.healthportal.server.audit;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.authserver.AccountEvents;
import io.healthportal.server.authserver.PortalUser;
import io.healthportal.server.authserver.PortalUsers;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Audits sign-ins on the login form and through external identity providers (successful or not), staff
 * members' second factor, every access
 * token the token endpoint issues and every admin API request, from the events Spring Security and the
 * authorization server ({@link AccountEvents}) publish: the authorization server's classes need not
 * know about audit.
 */
class AuthenticationAuditListener {

    private final AuditTrail trail;
    private final AuditEvents events;
    private final PortalUsers users;
    private final Clock clock;

    AuthenticationAuditListener(AuditTrail trail, AuditEvents events, PortalUsers users, Clock clock) {
        this.trail = trail;
        this.events = events;
        this.users = users;
        this.clock = clock;
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        Authentication authentication = event.getAuthentication();
        if (authentication instanceof UsernamePasswordAuthenticationToken) {
            String username = authentication.getName();
            String fhirUser = users.find(username).map(PortalUser::fhirUser).orElse(null);
            AuditActor actor = new AuditActor(fhirUser, username, null, null, address(authentication));
            trail.record(events.login(clock.instant(), actor, true, null));
        } else if (authentication instanceof OAuth2AccessTokenAuthenticationToken issued) {
            tokenIssued(issued);
        }
    }

    @EventListener
    void onFailure(AbstractAuthenticationFailureEvent event) {
        Authentication attempt = event.getAuthentication();
        if (!(attempt instanceof UsernamePasswordAuthenticationToken)) {
            return; // a client at the token endpoint, or a bearer token: not a person signing in
        }
        String reason = event.getException() instanceof LockedException
                ? "account locked after repeated failures"
                : event.getException() instanceof DisabledException ? "account disabled" : "bad credentials";
        // The name as typed: it may match no account, which is worth knowing too.
        AuditActor actor = new AuditActor(null, attempt.getName(), null, null, address(attempt));
        trail.record(events.login(clock.instant(), actor, false, reason));
    }

    @EventListener
    void onSecondFactor(AccountEvents.SecondFactorChecked checked) {
        String fhirUser =
                users.find(checked.username()).map(PortalUser::fhirUser).orElse(null);
        AuditActor actor = new AuditActor(fhirUser, checked.username(), null, null, checked.address());
        trail.record(events.secondFactor(clock.instant(), actor, checked.succeeded(), checked.enrolling()));
    }

    /**
     * A sign-in through an external identity provider. The agent is the portal account when the identity
     * is linked to one; otherwise the provider and the subject it named ({@code provider:subject}), or
     * an unauthenticated caller when the provider's answer was refused before naming anyone.
     */
    @EventListener
    void onProviderSignIn(AccountEvents.ProviderSignIn signIn) {
        String fhirUser = signIn.username() == null
                ? null
                : users.find(signIn.username()).map(PortalUser::fhirUser).orElse(null);
        String name = signIn.username() != null
                ? signIn.username()
                : signIn.subject() != null ? signIn.providerId() + ":" + signIn.subject() : null;
        AuditActor actor = new AuditActor(fhirUser, name, null, null, signIn.address());
        AuditEvent event = events.login(clock.instant(), actor, signIn.succeeded(), signIn.outcome());
        trail.record(event);
    }

    @EventListener
    void onAdminAction(AccountEvents.AdminAction action) {
        AuditActor actor = new AuditActor(
                RequestActors.relative(action.fhirUser()),
                action.administrator(),
                action.clientId(),
                action.tokenId(),
                action.address());
        trail.record(events.adminAction(
                clock.instant(), actor, action.action(), action.targetKind(), action.target(), action.status()));
    }

    @EventListener
    void onBreakGlassChoice(AccountEvents.BreakGlassChoice choice) {
        AuditActor actor = new AuditActor(choice.fhirUser(), choice.username(), null, null, choice.address());
        trail.record(events.breakGlass(clock.instant(), actor, choice.patientId(), choice.reason()));
    }

    private void tokenIssued(OAuth2AccessTokenAuthenticationToken issued) {
        OAuth2AccessToken token = issued.getAccessToken();
        String clientId = issued.getRegisteredClient().getClientId();
        try {
            // The token was signed a moment ago by this server; its claims say who and which patient.
            JWTClaimsSet claims = SignedJWT.parse(token.getTokenValue()).getJWTClaimsSet();
            String fhirUser = RequestActors.relative(claims.getStringClaim(RequestActors.FHIR_USER_CLAIM));
            boolean person = fhirUser != null || claims.getStringClaim(RequestActors.ROLE_CLAIM) != null;
            AuditActor actor = new AuditActor(
                    fhirUser, person ? claims.getSubject() : null, clientId, claims.getJWTID(), currentAddress());
            trail.record(events.tokenIssued(
                    clock.instant(), actor, List.copyOf(token.getScopes()), claims.getStringClaim("patient")));
        } catch (ParseException e) {
            AuditActor actor = new AuditActor(null, null, clientId, null, currentAddress());
            trail.record(events.tokenIssued(clock.instant(), actor, List.copyOf(token.getScopes()), null));
        }
    }

    private static String address(Authentication authentication) {
        return authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress()
                : currentAddress();
    }

    private static String currentAddress() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? remoteAddress(attributes.getRequest())
                : null;
    }

    private static String remoteAddress(HttpServletRequest request) {
        return request.getRemoteAddr();
    }
}
