package io.healthportal.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;

/**
 * FHIR says an update or delete whose {@code If-Match} names a stale version fails with 412
 * Precondition Failed; HAPI answers 409. A conflict without {@code If-Match} (two writers racing)
 * stays 409.
 *
 * <p>The hook takes the exception as {@code Throwable}, the type the pointcut passes it as: HAPI matches
 * hook parameters by their declared type and would hand a narrower one {@code null}.
 */
@Interceptor
class StaleVersionPreconditionInterceptor {

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    BaseServerResponseException staleIfMatchIsPreconditionFailed(RequestDetails request, Throwable exception) {
        if (exception instanceof ResourceVersionConflictException conflict
                && request.getHeader(Constants.HEADER_IF_MATCH) != null) {
            PreconditionFailedException failed = new PreconditionFailedException(conflict.getMessage());
            failed.setOperationOutcome(conflict.getOperationOutcome());
            return failed;
        }
        // null: leave the exception as it is
        return null;
    }
}
