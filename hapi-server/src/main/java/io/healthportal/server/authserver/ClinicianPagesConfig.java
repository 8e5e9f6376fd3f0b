package io.healthportal.server.authserver;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import io.healthportal.server.security.CareRelationships;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** What the clinician's pages (the EHR simulator and the patient picker) read from. */
@Configuration(proxyBeanMethods = false)
class ClinicianPagesConfig {

    @Bean
    PatientFinder patientFinder(DaoRegistry daos) {
        return new PatientFinder(daos);
    }

    @Bean
    ClinicianReach clinicianReach(CareRelationships relationships, ApplicationEventPublisher events) {
        return new ClinicianReach(relationships, events);
    }

    @Bean
    LaunchableApps launchableApps(
            JdbcTemplate jdbc, RegisteredClientRepository clients, AuthorizationServerConfig.AuthSchemaVersion schema) {
        return new LaunchableApps(jdbc, clients);
    }
}
