package io.healthportal.server.testing;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.util.function.Supplier;

/** Sends the current access token with each request of HAPI's generic client. */
public final class BearerTokenClientInterceptor implements IClientInterceptor {

    private final Supplier<String> tokens;

    public BearerTokenClientInterceptor(Supplier<String> tokens) {
        this.tokens = tokens;
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        request.addHeader("Authorization", "Bearer " + tokens.get());
    }

    @Override
    public void interceptResponse(IHttpResponse response) {}
}
