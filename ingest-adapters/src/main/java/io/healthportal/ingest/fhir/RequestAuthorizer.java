package io.healthportal.ingest.fhir;

import ca.uhn.fhir.rest.client.api.IHttpRequest;

/**
 * Adds credentials to each request ingest-adapters makes to hapi-server. TODO(issue 4): a SMART Backend
 * Services implementation (signed JWT assertion, client-credentials token, cached until expiry) once
 * hapi-server's authorization server lands; until then {@link UnauthenticatedRequests} is used.
 */
public interface RequestAuthorizer {

    void authorize(IHttpRequest request);
}
