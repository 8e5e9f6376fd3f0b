package io.healthportal.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;

/**
 * Narrows the searches of a token whose scopes are all patient scopes to that patient's compartment,
 * so that {@code Observation?code=...} answers with the patient's own observations instead of a 403.
 */
class SmartSearchNarrowingInterceptor extends SearchNarrowingInterceptor {

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        return SmartAuthorizationInterceptor.currentGrant()
                .filter(grant -> !grant.scopes().isEmpty())
                .filter(grant -> grant.scopes().stream().allMatch(s -> s.context() == SmartScope.Context.PATIENT))
                .flatMap(SmartGrant::patient)
                .map(patient -> new AuthorizedList().addCompartment("Patient/" + patient))
                .orElse(null);
    }
}
