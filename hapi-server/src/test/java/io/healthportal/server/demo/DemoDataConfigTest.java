package io.healthportal.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.authserver.StaffSecondFactor;
import io.healthportal.server.config.PortalProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class DemoDataConfigTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(DemoDataConfig.class, Properties.class)
            .withBean(IFhirSystemDao.class, () -> mock(IFhirSystemDao.class))
            // DaoRegistry autowires a FhirContext even when mocked.
            .withBean(FhirContext.class, FhirContext::forR4Cached)
            .withBean(DaoRegistry.class, () -> mock(DaoRegistry.class))
            .withBean(PortalUsers.class, () -> mock(PortalUsers.class))
            .withBean(ClientRegistrations.class, () -> mock(ClientRegistrations.class))
            .withBean(StaffSecondFactor.class, () -> mock(StaffSecondFactor.class))
            .withPropertyValues(
                    "portal.public-base-url=http://localhost:8080",
                    "portal.data-dir=/tmp/unused",
                    "portal.demo-data.patients=3",
                    "portal.demo-data.resources-per-patient=30",
                    "portal.demo-data.seed=1",
                    "portal.demo-data.ingest-client-jwks-uri=http://localhost:8090/.well-known/jwks.json",
                    "portal.demo-data.ingest-partners=demo-lab");

    @Test
    void embeddedDefaultWithDemoDataEnabledGetsTheLoaderAndTheDemoLogins() {
        runner.withPropertyValues("portal.demo-data.enabled=true")
                .run(context ->
                        assertThat(context).hasSingleBean(DemoDataLoader.class).hasSingleBean(DemoLogins.class));
    }

    @Test
    void postgresProfileRefusesToStartWithDemoData() {
        runner.withPropertyValues("portal.demo-data.enabled=true")
                .withInitializer(context -> context.getEnvironment().setActiveProfiles("postgres"))
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("demo data and demo logins are for the embedded default only"));
    }

    @Test
    void demoDataDisabledMeansNoLoaderAndNoDemoLogins() {
        runner.withPropertyValues("portal.demo-data.enabled=false")
                .run(context -> assertThat(context)
                        .doesNotHaveBean(DemoDataLoader.class)
                        .doesNotHaveBean(DemoLogins.class));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({DemoDataProperties.class, PortalProperties.class})
    static class Properties {}
}
