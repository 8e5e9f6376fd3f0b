package io.healthportal.ingest.fhir;

import ca.uhn.fhir.rest.client.api.IHttpRequest;

/** Sends requests without credentials: only while hapi-server does not yet require them. */
final class UnauthenticatedRequests implements RequestAuthorizer {

    @Override
    public void authorize(IHttpRequest request) {
        // nothing to add
    }
}
