package io.healthportal.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.authserver.PortalRole;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The clinician's care-relationship limit and break-glass (issue 3, item 14). A token of a user with
 * the clinician role that holds {@code user/} scopes reaches the data of the patients the clinician has
 * a care relationship with ({@link CareRelationships}) and of the patient in the token's EHR launch
 * context; patient scopes are confined to the launch patient already. Enforced where the data shows:
 *
 * <ul>
 *   <li>searches of patient-compartment types are narrowed to those patients by {@link
 *       SmartSearchNarrowingInterceptor}, which reads the limit this interceptor leaves on the request;
 *   <li>every resource loaded for the response (reads, search matches, {@code _include}, {@code
 *       _revinclude}, {@code $everything}, history) that belongs to patients, none of them within the
 *       limit, makes the request a 403 naming break-glass; resources in no patient's compartment
 *       (Practitioner, Location, Organization, Schedule, Slot...) stay readable;
 *   <li>creating, updating or deleting such a resource is refused alike (creating a Patient is not);
 *   <li>Bulk export ({@code $export}) is refused: its job runs later, out of reach of these checks.
 * </ul>
 *
 * <p>Break-glass: a clinician sends a typed reason in {@value #HEADER}; that request is then not limited
 * (and its searches not narrowed), and each patient it reached outside the limit gets an AuditEvent
 * flagged break-glass with the reason, beside the request's usual one. A blank or too short reason is
 * refused; the header means nothing for any other role.
 */
@Interceptor
class CareRelationshipInterceptor {

    static final String HEADER = "X-Break-Glass-Reason";
    static final String REFUSED = "PORTAL-AUTH-403: this patient's record is outside the clinician's care"
            + " relationships (a booked, arrived or fulfilled appointment, an encounter within 12 months, or the"
            + " EHR launch's patient); to open it anyway, break the glass: send the reason in the " + HEADER
            + " header (audited)";
    static final String NO_REASON = "PORTAL-AUTH-403: break-glass needs a typed reason of at least "
            + BreakGlassReason.MIN_LENGTH + " characters in the " + HEADER + " header";

    static final String NO_EXPORT = "PORTAL-AUTH-403: Bulk export is not available to a clinician's user scopes"
            + " (it could not be limited to their care relationships)";
    private static final String EXPORT = "$export";
    private static final String LIMIT_KEY = CareRelationshipInterceptor.class.getName() + ".limit";

    /**
     * What the request may reach.
     *
     * @param patients ids of the patients within the care relationship (the launch patient included)
     * @param breakGlassReason the typed reason when the clinician broke the glass, or null
     * @param reachedOutside under break-glass, the patients reached outside {@code patients}
     */
    record CareLimit(Set<String> patients, String breakGlassReason, Set<String> reachedOutside) {

        boolean brokeGlass() {
            return breakGlassReason != null;
        }
    }

    private final CareRelationships relationships;
    private final AuditTrail trail;

    CareRelationshipInterceptor(CareRelationships relationships, AuditTrail trail) {
        this.relationships = relationships;
        this.trail = trail;
    }

    /** The limit on {@code request}, or null when the caller is not a clinician using user scopes. */
    static CareLimit limitOf(RequestDetails request) {
        return request == null ? null : (CareLimit) request.getUserData().get(LIMIT_KEY);
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean resolveLimit(RequestDetails request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken token) || !limited(token.getToken())) {
            return true;
        }
        if (EXPORT.equals(request.getOperation())) {
            // The export runs later as a system job, where no per-request check can follow it.
            throw new ForbiddenOperationException(NO_EXPORT);
        }
        Jwt jwt = token.getToken();
        Set<String> patients = new HashSet<>();
        String practitioner = practitioner(jwt.getClaimAsString("fhirUser"));
        if (practitioner != null) {
            patients.addAll(relationships.patientsOf(practitioner));
        }
        String launched = jwt.getClaimAsString(SmartAuthorizationInterceptor.PATIENT_CLAIM);
        if (launched != null) {
            patients.add(launched);
        }
        String typed = request.getHeader(HEADER);
        String reason = BreakGlassReason.valid(typed);
        if (typed != null && reason == null) {
            throw new ForbiddenOperationException(NO_REASON);
        }
        request.getUserData()
                .put(LIMIT_KEY, new CareLimit(Set.copyOf(patients), reason, ConcurrentHashMap.newKeySet()));
        return true;
    }

    /**
     * A clinician's token with a {@code user/} scope. Patient scopes alone already reach only the launch
     * patient, so they need no lookup.
     */
    private static boolean limited(Jwt token) {
        if (PortalRole.fromClaim(token.getClaimAsString(RoleLimit.CLAIM)).orElse(null) != PortalRole.PRACTITIONER) {
            return false;
        }
        return SmartAuthorizationInterceptor.grant(token).scopes().stream()
                .anyMatch(scope -> scope.context() == SmartScope.Context.USER);
    }

    /** {@code https://host/fhir/Practitioner/12} as {@code Practitioner/12}; null for anything else. */
    static String practitioner(String fhirUser) {
        if (fhirUser == null || fhirUser.isBlank()) {
            return null;
        }
        IIdType id = new org.hl7.fhir.r4.model.IdType(fhirUser);
        return "Practitioner".equals(id.getResourceType()) && id.hasIdPart() ? "Practitioner/" + id.getIdPart() : null;
    }

    @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
    public void checkReads(IPreResourceAccessDetails details, RequestDetails request) {
        CareLimit limit = limitOf(request);
        if (limit == null) {
            return; // not a clinician's user scopes, or the server's own work
        }
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource != null) {
                check(limit, resource, request);
            }
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void checkCreate(IBaseResource resource, RequestDetails request) {
        CareLimit limit = limitOf(request);
        // A new Patient holds no one's record yet; registering a patient is not reaching one.
        if (limit != null && !"Patient".equals(resource.fhirType())) {
            check(limit, resource, request);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void checkUpdate(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        CareLimit limit = limitOf(request);
        if (limit != null) {
            check(limit, previous, request);
            check(limit, updated, request);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void checkDelete(IBaseResource resource, RequestDetails request) {
        CareLimit limit = limitOf(request);
        if (limit != null) {
            check(limit, resource, request);
        }
    }

    /**
     * Within the limit when the resource belongs to no patient or to one within it (as with HAPI's
     * compartment rules, one owner within the limit is enough: a Patient belongs to itself only).
     */
    private static void check(CareLimit limit, IBaseResource resource, RequestDetails request) {
        Set<String> owners = PatientCompartment.owners(resource, request.getFhirContext());
        if (owners.isEmpty() || owners.stream().anyMatch(limit.patients()::contains)) {
            return;
        }
        if (!limit.brokeGlass()) {
            throw new ForbiddenOperationException(REFUSED);
        }
        limit.reachedOutside().addAll(owners);
    }

    /** One break-glass AuditEvent per patient reached outside the limit, written by the audit trail. */
    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
    public void auditBreakGlass(RequestDetails request, ServletRequestDetails servletRequest) {
        CareLimit limit = limitOf(request);
        if (limit == null || !limit.brokeGlass() || limit.reachedOutside().isEmpty()) {
            return;
        }
        String address = servletRequest == null
                ? null
                : servletRequest.getServletRequest().getRemoteAddr();
        trail.breakGlass(address, Set.copyOf(limit.reachedOutside()), limit.breakGlassReason());
    }
}
