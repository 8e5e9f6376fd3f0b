package io.healthportal.ingest.fhir;

import ca.uhn.fhir.rest.client.api.IHttpRequest;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.smartclient.TokenUnavailableException;

/**
 * Authorizes ingest-adapters' requests to hapi-server with its SMART Backend Services token. A token
 * that cannot be had is a transient failure: the receipt waits and is retried, never dead-lettered.
 */
class BackendServicesTokens implements RequestAuthorizer {

    private final BackendServicesClient client;

    BackendServicesTokens(BackendServicesClient client) {
        this.client = client;
    }

    @Override
    public void authorize(IHttpRequest request) {
        try {
            request.addHeader("Authorization", "Bearer " + client.accessToken());
        } catch (TokenUnavailableException e) {
            throw new FhirWriteException(0, true, "INGEST-AUTH: " + e.getMessage(), e);
        }
    }

    @Override
    public void tokenRejected() {
        client.tokenRejected();
    }
}
