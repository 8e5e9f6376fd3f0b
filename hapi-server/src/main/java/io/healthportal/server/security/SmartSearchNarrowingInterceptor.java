package io.healthportal.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import io.healthportal.server.security.CareRelationshipInterceptor.CareLimit;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;

/**
 * Narrows searches to the patients a token may reach, so that {@code Observation?code=...} answers with
 * their data instead of a 403: a token whose scopes are all patient scopes to that patient's
 * compartment; a clinician's {@code user/} scopes to the patients within their care relationships
 * ({@link CareRelationshipInterceptor}, which must run first), unless they broke the glass; an EHR
 * system's to the patients of its Group ({@link EhrSystemInterceptor}, which must run first too). Types
 * in no patient's compartment are not narrowed. A search naming only patients outside the limit is a 403.
 *
 * <p>A second instance, {@link #conditionalUrlsOfPatients()}, narrows the conditional URLs of a patient
 * token's writes (conditional create's {@code If-None-Exist}, conditional update, patch and delete, alone or
 * in a transaction or batch) to their compartment, with HAPI's own {@code setNarrowConditionalUrls}: the
 * URL is then matched against their own record only, so its answer (a match, none, several) tells them
 * nothing of another patient's, and a conditional update of their Patient can only ever find them. It is
 * a separate instance because the setting is HAPI's per interceptor, and clinicians' conditional URLs
 * keep matching as before (a clinician's new Patient is matched against everyone, not duplicated).
 */
class SmartSearchNarrowingInterceptor extends SearchNarrowingInterceptor {

    static final String OUTSIDE_COMPARTMENT =
            "PORTAL-AUTH-403: the token's patient scopes reach only its own patient's record";

    /** Narrows to no one: no resource has this id (ids are at most 64 characters). */
    static final String NO_PATIENT = "Patient/no-care-relationship-" + "x".repeat(40);

    private final boolean patientsOnly;

    SmartSearchNarrowingInterceptor() {
        this(false);
    }

    private SmartSearchNarrowingInterceptor(boolean conditionalUrlsOfPatients) {
        this.patientsOnly = conditionalUrlsOfPatients;
        setNarrowConditionalUrls(conditionalUrlsOfPatients);
    }

    /**
     * Narrows patient tokens only, conditional URLs included; registered after the first instance, whose
     * narrowing of their searches it finds already done.
     */
    static SmartSearchNarrowingInterceptor conditionalUrlsOfPatients() {
        return new SmartSearchNarrowingInterceptor(true);
    }

    @Override
    public void hookIncomingRequestPostProcessed(
            RequestDetails request, HttpServletRequest servletRequest, HttpServletResponse servletResponse)
            throws AuthenticationException {
        try {
            super.hookIncomingRequestPostProcessed(request, servletRequest, servletResponse);
        } catch (ForbiddenOperationException e) {
            // HAPI's refusal of a patient parameter outside the list; for a clinician, say how to proceed.
            if (CareRelationshipInterceptor.limitOf(request) != null) {
                throw new ForbiddenOperationException(CareRelationshipInterceptor.REFUSED);
            }
            if (EhrSystemInterceptor.limitOf(request) != null) {
                throw new ForbiddenOperationException(EhrSystemInterceptor.REFUSED);
            }
            // HAPI's own message carries no code of ours to find in the log.
            throw new ForbiddenOperationException(OUTSIDE_COMPARTMENT);
        }
    }

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        if (patientsOnly) {
            return patientCompartment();
        }
        CareLimit care = CareRelationshipInterceptor.limitOf(request);
        if (care != null) {
            if (care.brokeGlass()) {
                return null;
            }
            return compartmentsOf(care.patients());
        }
        EhrSystemInterceptor.EhrLimit ehr = EhrSystemInterceptor.limitOf(request);
        if (ehr != null) {
            return compartmentsOf(ehr.patients());
        }
        return patientCompartment();
    }

    /** The compartment of a token whose scopes are all patient scopes, or null. */
    private static AuthorizedList patientCompartment() {
        return SmartAuthorizationInterceptor.currentGrant()
                .filter(grant -> !grant.scopes().isEmpty())
                .filter(grant -> grant.scopes().stream().allMatch(s -> s.context() == SmartScope.Context.PATIENT))
                .flatMap(SmartGrant::patient)
                .map(patient -> new AuthorizedList().addCompartment("Patient/" + patient))
                .orElse(null);
    }

    private static AuthorizedList compartmentsOf(Set<String> patients) {
        AuthorizedList allowed = new AuthorizedList();
        if (patients.isEmpty()) {
            return allowed.addCompartment(NO_PATIENT);
        }
        patients.forEach(patient -> allowed.addCompartment("Patient/" + patient));
        return allowed;
    }
}
