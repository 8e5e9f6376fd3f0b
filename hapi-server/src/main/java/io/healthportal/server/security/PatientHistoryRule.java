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
 * Lets a patient scope ask for the history of one resource in the patient's compartment. HAPI's
 * compartment rules decide an instance history by the target's id before anything is loaded, so they pass
 * only the patient's own Patient; this rule loads the current version (as the server, {@link
 * StoredResources}) and passes the request when that version is in the compartment. It decides nothing
 * else: every version in the answer is then checked by the compartment read rules like any read, so a
 * history with a version that was another patient's is refused whole (403), and a deleted resource's history
 * is refused (there is no current version to place).
 */
final class PatientHistoryRule implements IAuthRule {

    private final String name;
    private final String type;
    private final String patientId;
    private final StoredResources stored;

    /**
     * @param type the resource type the scope names, or null for a wildcard scope
     * @param patientId the patient in context
     */
    PatientHistoryRule(String name, String type, String patientId, StoredResources stored) {
        this.name = name;
        this.type = type;
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
        if (operation != RestOperationTypeEnum.HISTORY_INSTANCE
                || inputResource != null
                || outputResource != null
                || inputResourceId == null
                || (type != null && !type.equals(inputResourceId.getResourceType()))) {
            return null;
        }
        boolean inCompartment = stored.find(inputResourceId.toUnqualifiedVersionless())
                .map(current -> PatientCompartment.owners(current, request.getFhirContext())
                        .contains(patientId))
                .orElse(false);
        return inCompartment ? new Verdict(PolicyEnum.ALLOW, this) : null;
    }

    @Override
    public String getName() {
        return name;
    }
}
