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
import org.hl7.fhir.r4.model.Provenance;

/**
 * Decides each Provenance shown to a patient scope by {@link PatientProvenance}'s rule, ahead of HAPI's
 * compartment rules: one about the patient's data only is allowed (whether or not it names their Patient),
 * a mixed one is denied (it is normally hidden before it gets here, by {@link
 * PatientProvenanceInterceptor}; this is the backstop), and any other is left to the rules after it.
 * Writes are not its business: it looks only at resources on their way out.
 */
final class PatientProvenanceRule implements IAuthRule {

    static final String MIXED = "PORTAL-AUTH-403: a Provenance that also names another patient's data or a"
            + " resource outside the patient's reach";

    private final String patientId;
    private final StoredResources stored;

    PatientProvenanceRule(String patientId, StoredResources stored) {
        this.patientId = patientId;
        this.stored = stored;
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
        if (!(outputResource instanceof Provenance provenance) || inputResource != null) {
            return null;
        }
        return switch (PatientProvenance.of(provenance, patientId, stored, request)) {
            case THEIRS -> new Verdict(PolicyEnum.ALLOW, this);
            case MIXED -> new Verdict(PolicyEnum.DENY, this);
            case ELSEWHERE -> null;
        };
    }

    @Override
    public String getName() {
        return MIXED;
    }
}
