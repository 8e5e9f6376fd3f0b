package io.healthportal.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.healthportal.ingest.config.IngestProperties;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class FhirClientConfig {

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4();
    }

    @Bean
    @ConditionalOnMissingBean
    RequestAuthorizer requestAuthorizer() {
        LoggerFactory.getLogger(FhirClientConfig.class)
                .warn("INGEST-AUTH-PENDING: writing to hapi-server without a Backend Services token");
        return new UnauthenticatedRequests();
    }

    @Bean
    FhirWriter fhirWriter(FhirContext fhir, IngestProperties properties, RequestAuthorizer authorizer) {
        return new FhirWriter(fhir, properties.fhirBaseUrl(), authorizer);
    }
}
