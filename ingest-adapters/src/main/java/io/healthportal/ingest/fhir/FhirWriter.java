package io.healthportal.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URI;
import org.hl7.fhir.r4.model.Bundle;

/** Writes transaction bundles to hapi-server: the only way ingest-adapters reaches FHIR. */
public class FhirWriter {

    private final IGenericClient client;
    private final RequestAuthorizer authorizer;

    public FhirWriter(FhirContext fhir, URI baseUrl, RequestAuthorizer authorizer) {
        fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        fhir.getRestfulClientFactory().setConnectTimeout(5_000);
        fhir.getRestfulClientFactory().setSocketTimeout(60_000);
        this.client = fhir.newRestfulGenericClient(baseUrl.toString());
        this.authorizer = authorizer;
        client.registerInterceptor(new IClientInterceptor() {
            @Override
            public void interceptRequest(IHttpRequest request) {
                authorizer.authorize(request);
            }

            @Override
            public void interceptResponse(IHttpResponse response) {
                // nothing to inspect
            }
        });
    }

    /** Posts the bundle as one transaction; all of it is stored, or none. */
    public Bundle transaction(Bundle bundle) {
        try {
            return client.transaction().withBundle(bundle).execute();
        } catch (FhirClientConnectionException e) {
            // A subclass of BaseServerResponseException: no response arrived at all.
            return fail(0, "hapi-server unreachable", e);
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            if (status == 401) {
                authorizer.tokenRejected();
            }
            return fail(status, "hapi-server answered " + status, e);
        }
    }

    private static Bundle fail(int status, String message, Exception cause) {
        throw new FhirWriteException(status, FhirWriteException.retryableStatus(status), message, cause);
    }
}
