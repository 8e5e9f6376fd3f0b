package io.healthportal.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.server.audit.AuditTrail;
import io.healthportal.server.authserver.ClientOrigins;
import io.healthportal.server.config.PortalProperties;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/** SMART enforcement inside HAPI, the SMART discovery document and its CapabilityStatement entry. */
@Configuration(proxyBeanMethods = false)
class FhirSecurityConfig {

    @Bean
    SmartEndpoints smartEndpoints(PortalProperties portal, AuthorizationServerSettings settings) {
        return SmartEndpoints.of(portal, settings);
    }

    /** Used by the FHIR and the authorization server filter chains ({@code cors()}). */
    @Bean
    SmartCorsConfigurationSource corsConfigurationSource(ClientOrigins origins) {
        return new SmartCorsConfigurationSource(origins);
    }

    @Bean
    CareRelationships careRelationships(DaoRegistry daos) {
        return new CareRelationships(daos, Clock.systemUTC(), Duration.ofMinutes(1));
    }

    @Bean
    GroupMembers groupMembers(DaoRegistry daos) {
        return new GroupMembers(daos, Duration.ofMinutes(1));
    }

    @Bean
    StoredResources storedResources(DaoRegistry daos) {
        return new StoredResources(daos);
    }

    @Bean
    FhirSecurityInterceptors fhirSecurityInterceptors(
            SmartEndpoints endpoints,
            CareRelationships careRelationships,
            GroupMembers groupMembers,
            StoredResources stored,
            AuditTrail trail) {
        return new FhirSecurityInterceptors(List.of(
                // First: the narrowing and the checks after them read the limits they leave on the request.
                new CareRelationshipInterceptor(careRelationships, trail),
                new EhrSystemInterceptor(groupMembers),
                new PartnerLimitInterceptor(),
                new PatientVerifierInterceptor(),
                new SmartSearchNarrowingInterceptor(),
                SmartSearchNarrowingInterceptor.conditionalUrlsOfPatients(),
                new CategoryScopeInterceptor(),
                new PatientProvenanceInterceptor(stored),
                new SmartAuthorizationInterceptor(stored),
                new SmartCapabilitiesInterceptor(endpoints)));
    }

    @Bean
    ServletRegistrationBean<SmartConfigurationServlet> smartConfiguration(SmartEndpoints endpoints, ObjectMapper json)
            throws IOException {
        ServletRegistrationBean<SmartConfigurationServlet> registration = new ServletRegistrationBean<>(
                new SmartConfigurationServlet(endpoints, json), FhirResourceServerConfig.SMART_CONFIGURATION_PATH);
        registration.setName("smart-configuration");
        return registration;
    }
}
