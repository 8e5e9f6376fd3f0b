package io.healthportal.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Reads a stored resource as the server itself, through HAPI's DAO as a system request (no SMART checks,
 * no audit): what the patient rules need to know about a resource before the caller may see it, such as
 * whose compartment the target of an instance history or of a Provenance is in. Nothing read here is
 * returned to the caller.
 */
final class StoredResources {

    private final Function<IIdType, IBaseResource> read;

    StoredResources(DaoRegistry daos) {
        this(id -> daos.isResourceTypeSupported(id.getResourceType())
                ? daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails())
                : null);
    }

    /**
     * With another way to read than HAPI's DAO (the security tests' in-memory server); it returns null or
     * throws {@link ResourceNotFoundException} or {@link ResourceGoneException} for what is not there.
     */
    StoredResources(Function<IIdType, IBaseResource> read) {
        this.read = read;
    }

    /**
     * The resource {@code id} names (the version it names, if any), or empty when it names no stored
     * resource: no type or id, an unknown type, a missing or deleted resource.
     */
    Optional<IBaseResource> find(IIdType id) {
        if (id == null || !id.hasResourceType() || !id.hasIdPart() || id.isLocal() || id.isAbsolute()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(read.apply(id));
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return Optional.empty();
        }
    }
}
