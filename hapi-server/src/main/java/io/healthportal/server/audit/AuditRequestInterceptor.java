package io.healthportal.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * Audits every request HAPI answers on {@code /fhir}, allowed or refused: it notes the response or the
 * error as the request goes, and once HAPI has finished hands a snapshot to {@link AuditTrail}, which
 * builds the AuditEvent(s) on its own thread ({@link AuditedRequest}). Requests refused before HAPI
 * (401: no valid token) are counted by {@link UnauthenticatedRequestFilter} instead.
 *
 * <p>It also keeps the audit trail read-only on the API: AuditEvents are created by the server alone
 * (403) and never updated, patched or deleted (405), whatever the token's scopes; {@link
 * AuditStorageInterceptor} refuses the same inside transactions. The CapabilityStatement says so.
 */
@Interceptor
class AuditRequestInterceptor {

    static final String AUDIT_EVENT = "AuditEvent";
    private static final String EVERYTHING = "$everything";
    private static final String RESPONSE = AuditRequestInterceptor.class.getName() + ".response";
    private static final String FAILURE = AuditRequestInterceptor.class.getName() + ".failure";
    private static final String TYPES_ADDED = AuditRequestInterceptor.class.getName() + ".types-added";
    private static final String IN_FLIGHT = AuditRequestInterceptor.class.getName() + ".in-flight";
    private static final Set<RestOperationTypeEnum> CHANGES = EnumSet.of(
            RestOperationTypeEnum.UPDATE,
            RestOperationTypeEnum.PATCH,
            RestOperationTypeEnum.DELETE,
            RestOperationTypeEnum.META_ADD,
            RestOperationTypeEnum.META_DELETE);

    private final AuditTrail trail;
    private final AuditEvents events;
    private final FhirContext fhirContext;
    private final Clock clock;
    private final String recordTypes;

    AuditRequestInterceptor(AuditTrail trail, AuditEvents events, FhirContext fhirContext, Clock clock) {
        this.trail = trail;
        this.events = events;
        this.fhirContext = fhirContext;
        this.clock = clock;
        this.recordTypes = fhirContext.getResourceTypes().stream()
                .filter(type -> !AUDIT_EVENT.equals(type))
                .sorted()
                .collect(java.util.stream.Collectors.joining(","));
    }

    /**
     * Counts the request as in flight before any other hook can refuse it, so that {@link AuditTrail#flush()}
     * waits for the events its completion hooks (this class's, the care relationships') record after the
     * answer has gone out.
     */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = Integer.MIN_VALUE)
    boolean countInFlight(RequestDetails request) {
        request.getUserData().put(IN_FLIGHT, Boolean.TRUE);
        trail.requestStarted();
        return true;
    }

    /** After every other completion hook: whatever this request records is recorded. */
    @Hook(value = Pointcut.SERVER_PROCESSING_COMPLETED, order = Integer.MAX_VALUE)
    void countCompleted(RequestDetails request) {
        if (request.getUserData().remove(IN_FLIGHT) != null) {
            trail.requestCompleted();
        }
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    boolean refuseChangesToTheAuditTrail(RequestDetails request) {
        leaveTheAuditTrailOutOfEverything(request);
        if (!AUDIT_EVENT.equals(request.getResourceName())) {
            return true;
        }
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (operation == RestOperationTypeEnum.CREATE) {
            throw new ForbiddenOperationException(AuditStorageInterceptor.CREATE_REFUSED);
        }
        if (CHANGES.contains(operation)) {
            throw new MethodNotAllowedException(AuditStorageInterceptor.CHANGE_REFUSED);
        }
        return true;
    }

    /**
     * AuditEvents name the patients they concern, so HAPI's {@code $everything} (everything that links to
     * the patient) would return the patient's growing audit trail with their record, each call adding
     * to it. The record is what {@code $everything} is for: without a {@code _type}, every type but
     * AuditEvent is asked for; a patient reads their audit trail by searching AuditEvent.
     */
    private void leaveTheAuditTrailOutOfEverything(RequestDetails request) {
        if (!EVERYTHING.equals(request.getOperation())
                || request.getParameters().containsKey(Constants.PARAM_TYPE)) {
            return;
        }
        if (request.getResource() instanceof Parameters parameters) {
            if (parameters.getParameter(Constants.PARAM_TYPE) == null) {
                parameters.addParameter(Constants.PARAM_TYPE, new StringType(recordTypes));
            }
        } else {
            request.addParameter(Constants.PARAM_TYPE, new String[] {recordTypes});
            request.getUserData().put(TYPES_ADDED, Boolean.TRUE);
        }
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    boolean noteResponse(RequestDetails request, IBaseResource response) {
        if (response != null) {
            request.getUserData().put(RESPONSE, response);
        }
        return true;
    }

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    boolean noteFailure(RequestDetails request, BaseServerResponseException failure) {
        // A response refused on its way out (an _include outside the grant) was never disclosed.
        request.getUserData().remove(RESPONSE);
        request.getUserData().put(FAILURE, failure);
        return true;
    }

    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
    void audit(RequestDetails request, ServletRequestDetails servletRequest) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        BaseServerResponseException failure =
                (BaseServerResponseException) request.getUserData().get(FAILURE);
        if (operation == RestOperationTypeEnum.METADATA || (operation == null && failure == null)) {
            return; // the CapabilityStatement, the API description: no patient data, no token
        }
        Instant recorded = clock.instant();
        String address = servletRequest == null
                ? null
                : servletRequest.getServletRequest().getRemoteAddr();
        int status = failure != null
                ? failure.getStatusCode()
                : servletRequest == null
                        ? 200
                        : servletRequest.getServletResponse().getStatus();
        AuditedRequest audited = new AuditedRequest(
                recorded,
                operation,
                request.getOperation(),
                request.getResourceName(),
                request.getId() == null ? null : request.getId().toUnqualified().getValue(),
                AuditedRequest.query(request.getResourceName(), request.getOperation(), askedParameters(request)),
                status,
                failure == null ? null : failure.getMessage(),
                RequestActors.current(address),
                (IBaseResource) request.getUserData().get(RESPONSE),
                request.getResource());
        trail.record(() -> audited.toEvents(events, fhirContext));
    }

    /** The parameters as the client sent them, without the {@code _type} added above. */
    private static java.util.Map<String, String[]> askedParameters(RequestDetails request) {
        if (request.getUserData().get(TYPES_ADDED) == null) {
            return request.getParameters();
        }
        java.util.Map<String, String[]> asked = new java.util.LinkedHashMap<>(request.getParameters());
        asked.remove(Constants.PARAM_TYPE);
        return asked;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    void declareTheAuditTrailReadOnly(IBaseConformance capabilityStatement) {
        for (var rest : ((CapabilityStatement) capabilityStatement).getRest()) {
            for (var resource : rest.getResource()) {
                if (AUDIT_EVENT.equals(resource.getType())) {
                    resource.getInteraction()
                            .removeIf(interaction -> List.of(
                                            TypeRestfulInteraction.CREATE,
                                            TypeRestfulInteraction.UPDATE,
                                            TypeRestfulInteraction.PATCH,
                                            TypeRestfulInteraction.DELETE)
                                    .contains(interaction.getCode()));
                    resource.setConditionalCreate(false);
                    resource.setConditionalUpdate(false);
                    resource.setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
                    resource.setUpdateCreate(false);
                }
            }
        }
    }
}
