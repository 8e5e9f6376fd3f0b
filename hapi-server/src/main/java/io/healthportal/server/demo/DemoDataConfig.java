package io.healthportal.server.demo;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.authserver.StaffSecondFactor;
import io.healthportal.server.config.PortalProperties;
import java.util.Arrays;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Demo data exists only on the embedded default; a production profile refuses to start with it. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "portal.demo-data.enabled", havingValue = "true")
class DemoDataConfig {

    static final String PRODUCTION_PROFILE = "postgres";

    @Bean
    DemoDataLoader demoDataLoader(
            Environment environment,
            DemoDataProperties properties,
            IFhirSystemDao<Bundle, Meta> systemDao,
            DaoRegistry daoRegistry) {
        if (Arrays.asList(environment.getActiveProfiles()).contains(PRODUCTION_PROFILE)) {
            throw new IllegalStateException("portal.demo-data.enabled=true with the '" + PRODUCTION_PROFILE
                    + "' profile: demo data and demo logins are for the embedded default only");
        }
        return new DemoDataLoader(properties, systemDao, daoRegistry);
    }

    @Bean
    DemoLogins demoLogins(
            DemoDataLoader loader,
            DaoRegistry daoRegistry,
            PortalUsers users,
            ClientRegistrations clients,
            StaffSecondFactor secondFactor,
            PortalProperties portal,
            DemoDataProperties properties) {
        // Depends on the loader so that its production-profile refusal applies to the logins too.
        return new DemoLogins(
                daoRegistry,
                users,
                clients,
                secondFactor,
                DemoAppController.redirectUri(portal.issuerUrl()),
                DemoAppController.launchUrl(portal.issuerUrl()),
                properties.ingestClientJwksUri(),
                properties.ingestPartners());
    }
}
