package io.healthportal.server.security;

import java.util.List;

/**
 * The request-facing interceptors that enforce SMART scopes inside HAPI, in the order they must be
 * registered on the {@code RestfulServer} (search narrowing before authorization).
 */
public record FhirSecurityInterceptors(List<Object> interceptors) {

    public FhirSecurityInterceptors {
        interceptors = List.copyOf(interceptors);
    }
}
