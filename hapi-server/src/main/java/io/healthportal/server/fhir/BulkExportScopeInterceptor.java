package io.healthportal.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.util.FhirTerser;
import java.util.Date;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Keeps each Bulk Data export to what the Bulk Data spec says it holds, resource by resource as the
 * export job writes its files. HAPI FHIR 8.8 gets two things wrong at {@code Patient/$export}: it
 * ignores {@code _since} for the patients' compartments, and without a {@code patient} parameter it
 * writes every resource of the types asked, whether or not it belongs to any patient.
 *
 * <ul>
 *   <li>{@code _since}: a resource last updated before that instant is left out (every style).
 *   <li>Patient-level export: a resource of a type that can sit in a patient's compartment but sits
 *       in none is left out. Types outside the compartment (Practitioner, Organization, Medication)
 *       are supporting resources and stay.
 * </ul>
 *
 * Registered on HAPI's storage interceptor service: the export job runs outside any request.
 */
@Interceptor
class BulkExportScopeInterceptor {

    private static final String PATIENT = "Patient";

    private final FhirContext fhirContext;

    BulkExportScopeInterceptor(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
    boolean belongsInExport(BulkExportJobParameters job, IBaseResource resource) {
        return changedSince(job.getSince(), resource)
                && (job.getExportStyle() != BulkExportJobParameters.ExportStyle.PATIENT
                        || inSomePatientsCompartment(resource));
    }

    private static boolean changedSince(Date since, IBaseResource resource) {
        if (since == null) {
            return true;
        }
        Date updated = resource.getMeta().getLastUpdated();
        return updated != null && !updated.before(since);
    }

    private boolean inSomePatientsCompartment(IBaseResource resource) {
        RuntimeResourceDefinition type = fhirContext.getResourceDefinition(resource);
        if (PATIENT.equals(type.getName())
                || type.getSearchParamsForCompartmentName(PATIENT).isEmpty()) {
            return true;
        }
        FhirTerser terser = fhirContext.newTerser();
        return !terser.getCompartmentOwnersForResource(PATIENT, resource, Set.<String>of())
                .isEmpty();
    }
}
