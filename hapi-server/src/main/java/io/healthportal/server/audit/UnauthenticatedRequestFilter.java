package io.healthportal.server.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts the {@code /fhir} requests Spring Security answers 401 (no token, or one that is expired,
 * forged, revoked or for another server) before HAPI ever sees them. It wraps the security filter
 * chain, so it sees the final status; {@link AuditTrail} aggregates them per address and minute.
 */
class UnauthenticatedRequestFilter extends OncePerRequestFilter {

    private final AuditTrail trail;

    UnauthenticatedRequestFilter(AuditTrail trail) {
        this.trail = trail;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
                trail.unauthenticated(request.getRemoteAddr());
            }
        }
    }
}
