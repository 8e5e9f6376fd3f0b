package io.healthportal.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URI;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/** Writes transaction bundles to hapi-server: the only way ingest-adapters reaches FHIR. */
public class FhirWriter {

    private static final int MAX_REASON = 500;

    private final IGenericClient client;
    private final RequestAuthorizer authorizer;

    public FhirWriter(FhirContext fhir, URI baseUrl, RequestAuthorizer authorizer) {
        fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        fhir.getRestfulClientFactory().setConnectTimeout(5_000);
        fhir.getRestfulClientFactory().setSocketTimeout(60_000);
        this.client = fhir.newRestfulGenericClient(baseUrl.toString());
        this.authorizer = authorizer;
    }

    /**
     * Posts the bundle as one transaction, as partner {@code partnerId}'s Backend Services client; all of
     * it is stored, or none.
     */
    public Bundle transaction(String partnerId, Bundle bundle) {
        String authorization = authorizer.authorization(partnerId);
        try {
            return client.transaction()
                    .withBundle(bundle)
                    .withAdditionalHeader("Authorization", authorization)
                    .execute();
        } catch (FhirClientConnectionException e) {
            // A subclass of BaseServerResponseException: no response arrived at all.
            return fail(0, "hapi-server unreachable", e);
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            if (status == 401) {
                authorizer.tokenRejected(partnerId);
            }
            if (status == 403) {
                // The partner limit's refusal: the same write is refused every time.
                return fail(status, FhirWriteException.FORBIDDEN + ": " + refusal(e), e);
            }
            return fail(status, "hapi-server answered " + status, e);
        }
    }

    /**
     * Why hapi-server refused, from its OperationOutcome: its own fixed text naming the rule (a {@code
     * PORTAL-AUTH-403} code), never the payload's data; cut short all the same.
     */
    private static String refusal(BaseServerResponseException e) {
        String diagnostics = e.getOperationOutcome() instanceof OperationOutcome outcome
                ? outcome.getIssueFirstRep().getDiagnostics()
                : null;
        String reason = diagnostics == null || diagnostics.isBlank() ? "hapi-server answered 403" : diagnostics;
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }

    private static Bundle fail(int status, String message, Exception cause) {
        throw new FhirWriteException(status, FhirWriteException.retryableStatus(status), message, cause);
    }
}
