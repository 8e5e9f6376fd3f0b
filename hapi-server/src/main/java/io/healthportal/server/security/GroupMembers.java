package io.healthportal.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The patients an EHR system may reach: the Patients its registered Group names as active members
 * ({@code Group.member.entity}, not {@code inactive}). Read through HAPI's DAO as a system request (no
 * SMART checks, no audit) and remembered per Group for a minute, so a patient added to or taken off the
 * Group counts within a minute. A Group that does not exist reaches no one.
 */
public final class GroupMembers {

    private static final Logger log = LoggerFactory.getLogger(GroupMembers.class);

    private final Function<IdType, IBaseResource> read;
    private final Cache<String, Set<String>> byGroup;

    GroupMembers(DaoRegistry daos, Duration remembered) {
        this(id -> daos.getResourceDao("Group").read(id, new SystemRequestDetails()), remembered);
    }

    /**
     * With another way to read a Group than HAPI's DAO (the security tests' in-memory server); it throws
     * {@link ResourceNotFoundException} or {@link ResourceGoneException} for a Group that is not there.
     */
    GroupMembers(Function<IdType, IBaseResource> read, Duration remembered) {
        this.read = read;
        this.byGroup = Caffeine.newBuilder()
                .expireAfterWrite(remembered)
                .maximumSize(1_000)
                .build();
    }

    /** Ids of the Patients that are active members of Group {@code groupId}. */
    public Set<String> patientsOf(String groupId) {
        return byGroup.get(groupId, this::lookUp);
    }

    private Set<String> lookUp(String groupId) {
        Group group;
        try {
            group = (Group) read.apply(new IdType("Group", groupId));
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            log.warn("PORTAL-AUTH-511: an EHR system's Group {} does not exist; it reaches no patient", groupId);
            return Set.of();
        }
        Set<String> patients = new HashSet<>();
        for (Group.GroupMemberComponent member : group.getMember()) {
            IIdType entity = member.getEntity().getReferenceElement();
            if (!member.getInactive() && "Patient".equals(entity.getResourceType()) && entity.hasIdPart()) {
                patients.add(entity.getIdPart());
            }
        }
        return Set.copyOf(patients);
    }
}
