package io.healthportal.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The patients a clinician has a care relationship with (issue 3, item 14): those on an Appointment
 * with them that is booked, arrived or fulfilled, and the subjects of Encounters they took part in
 * whose period reaches into the last 12 months. Looked up through HAPI's DAOs as a system request (no
 * SMART checks, no audit) and remembered per clinician for a minute, so a busy clinician costs two
 * searches a minute rather than two per request; a new appointment therefore counts within a minute.
 */
public final class CareRelationships {

    private static final Logger log = LoggerFactory.getLogger(CareRelationships.class);
    private static final int MONTHS = 12;
    /** A clinician with more than this many of either is refused the excess rather than slowed down. */
    private static final int LIMIT = 10_000;

    /** Runs a synchronous search of one resource type; HAPI's DAOs on the server. */
    @FunctionalInterface
    interface Search {
        List<IBaseResource> search(String type, SearchParameterMap parameters);
    }

    private final Search search;
    private final Clock clock;
    private final Cache<String, Set<String>> byClinician;

    CareRelationships(DaoRegistry daos, Clock clock, Duration remembered) {
        this(
                (type, parameters) -> daos.getResourceDao(type)
                        .search(parameters, new SystemRequestDetails())
                        .getAllResources(),
                clock,
                remembered);
    }

    /** With another {@link Search} than HAPI's DAOs: the security tests' in-memory server. */
    CareRelationships(Search search, Clock clock, Duration remembered) {
        this.search = search;
        this.clock = clock;
        this.byClinician = Caffeine.newBuilder()
                .expireAfterWrite(remembered)
                .maximumSize(10_000)
                .build();
    }

    /** Ids of the patients {@code practitioner} ({@code Practitioner/12}) has a care relationship with. */
    public Set<String> patientsOf(String practitioner) {
        return byClinician.get(practitioner, this::lookUp);
    }

    private Set<String> lookUp(String practitioner) {
        Set<String> patients = new HashSet<>();
        SearchParameterMap appointments = SearchParameterMap.newSynchronous()
                .add(Appointment.SP_PRACTITIONER, new ReferenceParam(practitioner))
                .add(
                        Appointment.SP_STATUS,
                        new TokenOrListParam()
                                .add(Appointment.AppointmentStatus.BOOKED.toCode())
                                .add(Appointment.AppointmentStatus.ARRIVED.toCode())
                                .add(Appointment.AppointmentStatus.FULFILLED.toCode()));
        for (IBaseResource found : search("Appointment", appointments)) {
            ((Appointment) found).getParticipant().forEach(participant -> addPatient(patients, participant.getActor()));
        }
        // Encounter's date is its period: "ge" matches any period that ends on or after the cut-off.
        Date cutOff = Date.from(
                clock.instant().atZone(ZoneOffset.UTC).minusMonths(MONTHS).toInstant());
        SearchParameterMap encounters = SearchParameterMap.newSynchronous()
                .add(Encounter.SP_PARTICIPANT, new ReferenceParam(practitioner))
                .add(Encounter.SP_DATE, new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, cutOff));
        for (IBaseResource found : search("Encounter", encounters)) {
            addPatient(patients, ((Encounter) found).getSubject());
        }
        return Set.copyOf(patients);
    }

    private List<IBaseResource> search(String type, SearchParameterMap parameters) {
        parameters.setLoadSynchronousUpTo(LIMIT);
        List<IBaseResource> found = search.search(type, parameters);
        if (found.size() >= LIMIT) {
            log.warn("PORTAL-AUTH-510: care relationships cut at {} {} resources for one clinician", LIMIT, type);
        }
        return found;
    }

    private static void addPatient(Set<String> patients, Reference reference) {
        IIdType id = reference.getReferenceElement();
        if ("Patient".equals(id.getResourceType()) && id.hasIdPart()) {
            patients.add(id.getIdPart());
        }
    }
}
