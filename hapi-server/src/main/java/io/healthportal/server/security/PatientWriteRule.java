package io.healthportal.server.security;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor.Verdict;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Denies a patient token's write of a resource that would also be in another patient's compartment
 * (issue 3, item 14: "writes that would place data in another patient's compartment are refused"). HAPI's
 * compartment write rules pass a resource with one owner in the compartment, so an Observation of theirs
 * with another patient as {@code performer} would pass them and show in that patient's record; this rule,
 * ahead of them, denies it, whether created, updated, conditionally updated or patched (it looks at the
 * resource as sent and again as stored). A Patient belongs to itself only ({@link PatientCompartment}).
 */
final class PatientWriteRule implements IAuthRule {

    static final String NAME = "PORTAL-AUTH-403: a patient's write may not place data in another patient's record";

    private final String patientId;

    PatientWriteRule(String patientId) {
        this.patientId = patientId;
    }

    @Override
    public Verdict applyRule(
            RestOperationTypeEnum operation,
            RequestDetails request,
            IBaseResource inputResource,
            IIdType inputResourceId,
            IBaseResource outputResource,
            IRuleApplier applier,
            Set<AuthorizationFlagsEnum> flags,
            Pointcut pointcut) {
        if (inputResource == null
                || (operation != RestOperationTypeEnum.CREATE && operation != RestOperationTypeEnum.UPDATE)) {
            return null;
        }
        boolean elsewhere = PatientCompartment.owners(inputResource, request.getFhirContext()).stream()
                .anyMatch(owner -> !owner.equals(patientId));
        return elsewhere ? new Verdict(PolicyEnum.DENY, this) : null;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
