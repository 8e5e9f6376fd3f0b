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
 */
@Interceptor
class StaleVersionPreconditionInterceptor {

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    BaseServerResponseException staleIfMatchIsPreconditionFailed(
            RequestDetails request, BaseServerResponseException exception) {
        if (exception instanceof ResourceVersionConflictException
                && request.getHeader(Constants.HEADER_IF_MATCH) != null) {
            PreconditionFailedException failed = new PreconditionFailedException(exception.getMessage());
            failed.setOperationOutcome(exception.getOperationOutcome());
            return failed;
        }
        return exception;
    }
}
