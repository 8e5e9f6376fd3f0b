package io.healthportal.server.security;

import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/** Whose record a resource is part of, by FHIR's Patient compartment. */
final class PatientCompartment {

    private PatientCompartment() {}

    /**
     * The ids of the patients whose compartment holds {@code resource}: a Patient belongs to itself only,
     * a resource of a type outside the compartment (Practitioner, Organization, Medication...) to no one.
     */
    static Set<String> owners(IBaseResource resource, ca.uhn.fhir.context.FhirContext fhirContext) {
        Set<String> owners = new HashSet<>();
        if ("Patient".equals(resource.fhirType())) {
            if (resource.getIdElement().hasIdPart()) {
                owners.add(resource.getIdElement().getIdPart());
            }
            return owners;
        }
        for (IIdType owner : fhirContext.newTerser().getCompartmentOwnersForResource("Patient", resource, Set.of())) {
            // HAPI names every reference of the compartment's parameters, whatever it points at: a
            // Schedule's actor or an Appointment's participant may be a Practitioner, whose id is no patient's.
            if (owner.hasIdPart()
                    && !owner.isLocal()
                    && (!owner.hasResourceType() || "Patient".equals(owner.getResourceType()))) {
                owners.add(owner.getIdPart());
            }
        }
        return owners;
    }
}
