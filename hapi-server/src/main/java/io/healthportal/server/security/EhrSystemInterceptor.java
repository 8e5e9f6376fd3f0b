package io.healthportal.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Identifier;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * An EHR system's limit on {@code /fhir} (issue 3, item 14), beside its {@link RoleLimit#EHR_SYSTEM}
 * scopes (reads and searches only): it reaches the Patients that are members of its registered Group
 * ({@link GroupMembers}) and the resources in their compartments, as a clinician reaches the patients of
 * their care relationships.
 *
 * <ul>
 *   <li>searches of Patient-compartment types are narrowed to those patients by {@link
 *       SmartSearchNarrowingInterceptor}, which reads the limit this interceptor leaves on the request (so
 *       {@code _has}, chains and the search's own criteria only ever match within the Group);
 *   <li>every resource loaded for the response (reads, search matches, {@code _include}, {@code
 *       _revinclude}, {@code $everything}, history, the GET entries of a batch) that belongs to patients,
 *       none of them in the Group, makes the request a 403, as the patient compartment does for patient
 *       scopes; resources in no patient's compartment (Practitioner, Organization, Location...) stay
 *       readable, except Binary, below;
 *   <li>Bulk export: {@code Group/<its group>/$export} only (the job exports the Group's members); a
 *       system-level, Patient-level or other Group's export is a 403. The export's files are Binary
 *       resources marked with the requesting client ({@code securityContext}), and an EHR system sees a
 *       Binary only with its own mark.
 * </ul>
 */
@Interceptor
class EhrSystemInterceptor {

    static final String REFUSED =
            "PORTAL-AUTH-403: this patient's record is outside the EHR system's registered" + " Group";
    static final String NO_EXPORT =
            "PORTAL-AUTH-403: an EHR system exports its own registered Group only (Group/<id>/$export)";

    /** The identifier system marking an export's files with the client that asked for it. */
    static final String EXPORT_REQUESTER_SYSTEM = "https://healthportal.io/Id/export-requester";

    private static final String EXPORT = "$export";
    private static final String LIMIT_KEY = EhrSystemInterceptor.class.getName() + ".limit";

    /**
     * What the request may reach.
     *
     * @param group the id of the EHR system's Group
     * @param clientId the EHR system's client id
     * @param patients ids of the Patients in the Group
     */
    record EhrLimit(String group, String clientId, Set<String> patients) {}

    private final GroupMembers members;

    EhrSystemInterceptor(GroupMembers members) {
        this.members = members;
    }

    /** The limit on {@code request}, or null when the caller is not an EHR system. */
    static EhrLimit limitOf(RequestDetails request) {
        return request == null ? null : (EhrLimit) request.getUserData().get(LIMIT_KEY);
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean resolveLimit(RequestDetails request) {
        Optional<Jwt> token = SmartAuthorizationInterceptor.currentToken();
        if (!(token.flatMap(SystemRole::fromToken).orElse(null) instanceof SystemRole.EhrSystem ehr)) {
            return true;
        }
        if (EXPORT.equals(request.getOperation())
                && !("Group".equals(request.getResourceName())
                        && request.getId() != null
                        && ehr.group().equals(request.getId().getIdPart()))) {
            throw new ForbiddenOperationException(NO_EXPORT);
        }
        request.getUserData()
                .put(LIMIT_KEY, new EhrLimit(ehr.group(), token.get().getSubject(), members.patientsOf(ehr.group())));
        return true;
    }

    @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
    public void checkReads(IPreResourceAccessDetails details, RequestDetails request) {
        EhrLimit limit = limitOf(request);
        if (limit == null) {
            return; // not an EHR system, or the server's own work (the export job among it)
        }
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource == null) {
                continue;
            }
            if (resource instanceof Binary binary) {
                if (!markedFor(binary, limit.clientId())) {
                    details.setDontReturnResourceAtIndex(i);
                }
                continue;
            }
            Set<String> owners = PatientCompartment.owners(resource, request.getFhirContext());
            if (!owners.isEmpty() && owners.stream().noneMatch(limit.patients()::contains)) {
                throw new ForbiddenOperationException(REFUSED);
            }
        }
    }

    /** Marks the export's files with the EHR system that asked, so that only it sees them. */
    @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
    public void markExportFiles(BulkExportJobParameters export, RequestDetails request) {
        EhrLimit limit = limitOf(request);
        if (limit != null) {
            export.setBinarySecurityContextIdentifierSystem(EXPORT_REQUESTER_SYSTEM);
            export.setBinarySecurityContextIdentifierValue(limit.clientId());
        }
    }

    private static boolean markedFor(Binary binary, String clientId) {
        Identifier requester = binary.getSecurityContext().getIdentifier();
        return EXPORT_REQUESTER_SYSTEM.equals(requester.getSystem()) && clientId.equals(requester.getValue());
    }
}
