package io.healthportal.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Provenance;

/**
 * Hides from a patient scope every Provenance that is about their data and also names another patient's
 * data ({@link PatientProvenance.Reach#MIXED}), wherever it would be shown (read: 404; search, {@code
 * _include}, {@code _revinclude}, {@code $everything}, history: left out), so that their searches answer
 * with what they may see instead of failing. {@link PatientProvenanceRule} allows the Provenances about
 * their data only and denies a mixed one that reaches the answer some other way.
 */
@Interceptor
class PatientProvenanceInterceptor {

    private static final String PATIENT_KEY = PatientProvenanceInterceptor.class.getName() + ".patient";

    private final StoredResources stored;

    PatientProvenanceInterceptor(StoredResources stored) {
        this.stored = stored;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean rememberPatient(RequestDetails request) {
        // Resources may be loaded off this thread (paging); the patient travels with the request.
        SmartAuthorizationInterceptor.currentGrant()
                .filter(PatientProvenance::appliesTo)
                .flatMap(SmartGrant::patient)
                .ifPresent(patient -> request.getUserData().put(PATIENT_KEY, patient));
        return true;
    }

    @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
    public void hideMixed(IPreResourceAccessDetails details, RequestDetails request) {
        if (request == null || !(request.getUserData().get(PATIENT_KEY) instanceof String patient)) {
            return;
        }
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource instanceof Provenance provenance
                    && PatientProvenance.of(provenance, patient, stored, request) == PatientProvenance.Reach.MIXED) {
                details.setDontReturnResourceAtIndex(i);
            }
        }
    }
}
