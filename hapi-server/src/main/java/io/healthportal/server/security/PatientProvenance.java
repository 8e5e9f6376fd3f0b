package io.healthportal.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import io.healthportal.server.security.SmartScope.Context;
import io.healthportal.server.security.SmartScope.Permission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * Whether a Provenance is about one patient's data (issue 3, item 14: patient scopes read "Provenance
 * about their data", which need not name the patient among its targets). The rule:
 *
 * <ul>
 *   <li>each literal reference of the Provenance, in {@code target}, {@code agent.who}, {@code
 *       agent.onBehalfOf} and {@code entity.what}, is <em>theirs</em> (their Patient, or a stored resource
 *       whose Patient compartment holds them; a versioned reference is decided by the version it names) or
 *       of a type their scopes read whole ({@link SmartAuthorizationInterceptor#PATIENT_LINKED_TYPES}:
 *       Practitioner, PractitionerRole, Organization, Location, Medication), and
 *   <li>at least one target is theirs, and every target has a literal reference.
 * </ul>
 *
 * Anything else a reference may be (another patient's resource, one in no one's compartment of another
 * type, one that does not resolve: missing, deleted, contained, absolute) takes the Provenance out of
 * their reach. References by identifier or display only (ingest's partner agent and source message) name
 * nothing stored here and do not count. A Provenance that has a target of theirs and a reference that is
 * not allowed is <em>mixed</em>: it would tell them another patient's ids, so it is hidden from them even
 * when it names their Patient (HAPI's compartment rule alone would let it through).
 */
final class PatientProvenance {

    /** What one Provenance is to the patient. */
    enum Reach {
        /** About their data only: readable. */
        THEIRS,
        /** About their data and something else: hidden, and refused where it cannot be hidden. */
        MIXED,
        /** Not about their data: left to the compartment rules, which refuse it. */
        ELSEWHERE
    }

    private static final String CACHE_KEY = PatientProvenance.class.getName() + ".reach";

    private PatientProvenance() {}

    /**
     * Whether the Provenance rule applies to {@code grant}: a patient in context and every scope that reads
     * Provenance a patient scope (a user or system scope reads Provenance by its own rules).
     */
    static boolean appliesTo(SmartGrant grant) {
        if (grant.patient().isEmpty()) {
            return false;
        }
        List<SmartScope> readers = grant.scopes().stream()
                .filter(scope ->
                        scope.reaches("Provenance", Permission.READ) || scope.reaches("Provenance", Permission.SEARCH))
                .toList();
        return !readers.isEmpty() && readers.stream().allMatch(scope -> scope.context() == Context.PATIENT);
    }

    /** What {@code provenance} is to {@code patientId}, remembered for the rest of the request. */
    static Reach of(Provenance provenance, String patientId, StoredResources stored, RequestDetails request) {
        if (!provenance.getIdElement().hasIdPart()) {
            return decide(provenance, patientId, stored, request.getFhirContext());
        }
        String key = patientId + " " + provenance.getIdElement().toUnqualified().getValue();
        Map<String, Reach> known = known(request);
        Reach reach = known.get(key);
        if (reach == null) {
            reach = decide(provenance, patientId, stored, request.getFhirContext());
            known.put(key, reach);
        }
        return reach;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Reach> known(RequestDetails request) {
        return (Map<String, Reach>) request.getUserData().computeIfAbsent(CACHE_KEY, key -> new HashMap<>());
    }

    static Reach decide(Provenance provenance, String patientId, StoredResources stored, FhirContext fhirContext) {
        boolean theirs = false;
        boolean allowed = provenance.hasTarget();
        for (Reference target : provenance.getTarget()) {
            if (!target.hasReference()) {
                allowed = false;
                continue;
            }
            Kind kind = kind(target, patientId, stored, fhirContext);
            theirs |= kind == Kind.THEIRS;
            allowed &= kind != Kind.OTHER;
        }
        for (Reference other : otherReferences(provenance)) {
            if (other.hasReference() && kind(other, patientId, stored, fhirContext) == Kind.OTHER) {
                allowed = false;
            }
        }
        if (!theirs) {
            return Reach.ELSEWHERE;
        }
        return allowed ? Reach.THEIRS : Reach.MIXED;
    }

    private enum Kind {
        THEIRS,
        LINKED,
        OTHER
    }

    private static Kind kind(Reference reference, String patientId, StoredResources stored, FhirContext fhirContext) {
        IIdType id = reference.getReferenceElement();
        if (!id.hasResourceType() || !id.hasIdPart() || id.isLocal() || id.isAbsolute()) {
            return Kind.OTHER;
        }
        if ("Patient".equals(id.getResourceType())) {
            return patientId.equals(id.getIdPart()) ? Kind.THEIRS : Kind.OTHER;
        }
        if (SmartAuthorizationInterceptor.PATIENT_LINKED_TYPES.contains(id.getResourceType())) {
            return Kind.LINKED;
        }
        return stored.find(id)
                .filter(resource ->
                        PatientCompartment.owners(resource, fhirContext).contains(patientId))
                .map(resource -> Kind.THEIRS)
                .orElse(Kind.OTHER);
    }

    private static List<Reference> otherReferences(Provenance provenance) {
        List<Reference> references = new ArrayList<>();
        for (Provenance.ProvenanceAgentComponent agent : provenance.getAgent()) {
            references.add(agent.getWho());
            references.add(agent.getOnBehalfOf());
        }
        for (Provenance.ProvenanceEntityComponent entity : provenance.getEntity()) {
            references.add(entity.getWhat());
        }
        return references;
    }
}
