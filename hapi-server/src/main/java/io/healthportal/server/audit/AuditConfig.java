package io.healthportal.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.server.RestfulServer;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.config.PortalProperties;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit trail (issue 3, item 16): an AuditEvent for every {@code /fhir} request, refusal, sign-in
 * and token issued, written in batches off the request thread, read-only on the API and kept out of
 * the full-text index. docs/security.md describes it.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfig {

    /** Where AuditEvents keep versioned references (see {@link AuditTrail}). */
    static final Set<String> VERSIONED_REFERENCE_PATHS = Set.of("AuditEvent.entity.what", "AuditEvent.agent.who");

    @Bean
    AuditEvents auditEvents(PortalProperties portal) {
        return new AuditEvents(portal.fhirBaseUrl());
    }

    @Bean
    AuditTrail auditTrail(
            IHapiTransactionService transactions,
            EntityManager entityManager,
            DaoRegistry daos,
            AuditEvents events,
            FhirContext fhirContext) {
        // HAPI strips versions from stored references unless told otherwise per path; a versioned link
        // is no delete conflict, so audit never blocks a delete.
        Set<String> keepVersions =
                new HashSet<>(fhirContext.getParserOptions().getDontStripVersionsFromReferencesAtPaths());
        keepVersions.addAll(VERSIONED_REFERENCE_PATHS);
        fhirContext.getParserOptions().setDontStripVersionsFromReferencesAtPaths(keepVersions);
        return new AuditTrail(transactions, entityManager, daos, events, Clock.systemUTC());
    }

    /** Request-facing: registered on the RestfulServer, beside the SMART enforcement. */
    @Bean
    AuditRequestInterceptor auditRequestInterceptor(
            RestfulServer fhirRestfulServer, AuditTrail trail, AuditEvents events, FhirContext fhirContext) {
        AuditRequestInterceptor interceptor =
                new AuditRequestInterceptor(trail, events, fhirContext, Clock.systemUTC());
        fhirRestfulServer.registerInterceptor(interceptor);
        return interceptor;
    }

    /** Storage-wide: transaction entries and indexing pass here whatever way they came. */
    @Bean
    AuditStorageInterceptor auditStorageInterceptor(IInterceptorService interceptors) {
        AuditStorageInterceptor interceptor = new AuditStorageInterceptor();
        interceptors.registerInterceptor(interceptor);
        return interceptor;
    }

    /** Just outside Spring Security's filter chain, so it sees the 401s the chain answers. */
    @Bean
    FilterRegistrationBean<UnauthenticatedRequestFilter> unauthenticatedRequestAudit(AuditTrail trail) {
        FilterRegistrationBean<UnauthenticatedRequestFilter> registration =
                new FilterRegistrationBean<>(new UnauthenticatedRequestFilter(trail));
        registration.addUrlPatterns("/fhir", "/fhir/*");
        registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }

    @Bean
    AuthenticationAuditListener authenticationAuditListener(AuditTrail trail, AuditEvents events, PortalUsers users) {
        return new AuthenticationAuditListener(trail, events, users, Clock.systemUTC());
    }
}
