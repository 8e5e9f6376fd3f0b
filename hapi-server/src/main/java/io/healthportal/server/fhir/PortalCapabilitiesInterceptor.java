package io.healthportal.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.NotImplementedOperationException;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;

/**
 * Keeps the CapabilityStatement truthful and the server free of unsecured administration.
 *
 * <p>HAPI's JPA providers bring operations the portal does not offer to anonymous callers
 * (reindexing, expunge, reference replacement, merges) or cannot serve at all ({@code $lastn}
 * needs Elasticsearch): they are refused with 501 and left out of the statement. Search parameters
 * that HAPI declares but that fail on real data are left out too; {@code CapabilityStatementIT}
 * calls every declared parameter on demo data and finds them.
 */
@Interceptor
class PortalCapabilitiesInterceptor {

    static final Set<String> WITHHELD_OPERATIONS = Set.of(
            "expunge",
            "mark-all-resources-for-reindexing",
            "perform-reindexing-pass",
            "reindex-terminology",
            "get-resource-counts",
            "hapi.fhir.replace-references",
            "hapi.fhir.undo-replace-references",
            "hapi.fhir.merge",
            "hapi.fhir.undo-merge",
            "lastn");

    /** Declared by HAPI, failing on real data: resource type to search parameter names. */
    static final Map<String, Set<String>> UNSUPPORTED_SEARCH_PARAMETERS = Map.of();

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    void refuseWithheldOperations(RequestDetails request) {
        String operation = request.getOperation();
        if (operation != null && WITHHELD_OPERATIONS.contains(operation.replaceFirst("^\\$", ""))) {
            throw new NotImplementedOperationException("Operation " + operation + " is not available on this server");
        }
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    void describeOnlyWhatWorks(IBaseConformance capabilityStatement) {
        CapabilityStatement statement = (CapabilityStatement) capabilityStatement;
        for (CapabilityStatementRestComponent rest : statement.getRest()) {
            rest.getOperation().removeIf(operation -> WITHHELD_OPERATIONS.contains(operation.getName()));
            for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
                resource.getOperation().removeIf(operation -> WITHHELD_OPERATIONS.contains(operation.getName()));
                Set<String> unsupported = UNSUPPORTED_SEARCH_PARAMETERS.getOrDefault(resource.getType(), Set.of());
                resource.getSearchParam().removeIf(parameter -> unsupported.contains(parameter.getName()));
            }
        }
    }
}
