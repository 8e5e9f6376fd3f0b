package io.healthportal.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.fulltext.FullTextExtractionRequest;
import ca.uhn.fhir.jpa.searchparam.fulltext.FullTextExtractionResponse;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The audit trail's rules inside HAPI's storage, where every write passes whatever way it came
 * (transaction and batch entries included):
 *
 * <ul>
 *   <li>only {@link AuditTrail}'s own writer creates AuditEvents; nothing updates or deletes one;
 *   <li>AuditEvents get no full-text index: HAPI then leaves the resource's index status at "database
 *       only", and its Hibernate Search routing ({@code ResourceTableRoutingBinder}) writes no Lucene
 *       document for it, so audit adds nothing to the index's cost and {@code _content}/{@code _text}
 *       find no AuditEvent.
 * </ul>
 */
@Interceptor
class AuditStorageInterceptor {

    static final String CREATE_REFUSED = "PORTAL-AUDIT-403: AuditEvents are recorded by the server itself";
    static final String CHANGE_REFUSED = "PORTAL-AUDIT-405: audit records cannot be changed or deleted";

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    void onlyTheAuditTrailCreates(IBaseResource resource, RequestDetails request) {
        if (isAuditEvent(resource) && (request == null || request.getUserData().get(AuditTrail.WRITER) == null)) {
            throw new ForbiddenOperationException(CREATE_REFUSED);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    void neverUpdated(IBaseResource previous, IBaseResource updated) {
        if (isAuditEvent(updated)) {
            throw new MethodNotAllowedException(CHANGE_REFUSED);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    void neverDeleted(IBaseResource deleted) {
        if (isAuditEvent(deleted)) {
            throw new MethodNotAllowedException(CHANGE_REFUSED);
        }
    }

    @Hook(Pointcut.JPA_INDEX_EXTRACT_FULLTEXT_CONTENT)
    FullTextExtractionResponse noContentIndex(FullTextExtractionRequest request) {
        return skipAuditEvents(request);
    }

    @Hook(Pointcut.JPA_INDEX_EXTRACT_FULLTEXT_TEXT)
    FullTextExtractionResponse noNarrativeIndex(FullTextExtractionRequest request) {
        return skipAuditEvents(request);
    }

    /** Null leaves every other type to HAPI's usual extraction. */
    private static FullTextExtractionResponse skipAuditEvents(FullTextExtractionRequest request) {
        return AuditRequestInterceptor.AUDIT_EVENT.equals(request.getResourceType())
                ? FullTextExtractionResponse.doNotIndex()
                : null;
    }

    private static boolean isAuditEvent(IBaseResource resource) {
        return resource != null && AuditRequestInterceptor.AUDIT_EVENT.equals(resource.fhirType());
    }
}
