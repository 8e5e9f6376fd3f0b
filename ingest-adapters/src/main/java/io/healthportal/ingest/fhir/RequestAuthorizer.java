package io.healthportal.ingest.fhir;

import ca.uhn.fhir.rest.client.api.IHttpRequest;

/** Adds credentials to each request ingest-adapters makes to hapi-server ({@link BackendServicesTokens}). */
public interface RequestAuthorizer {

    void authorize(IHttpRequest request);

    /** hapi-server answered 401: the credentials sent are no longer good (expired, revoked). */
    void tokenRejected();
}
