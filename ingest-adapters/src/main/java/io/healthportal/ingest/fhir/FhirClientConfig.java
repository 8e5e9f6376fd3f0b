package io.healthportal.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.smartclient.BackendServicesKey;
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
    BackendServicesKey backendServicesKey(IngestProperties properties) {
        IngestProperties.BackendAuth auth = properties.auth();
        return BackendServicesKey.load(auth.keyFile(), auth.createKeyIfMissing());
    }

    @Bean
    @ConditionalOnMissingBean
    RequestAuthorizer requestAuthorizer(IngestProperties properties, BackendServicesKey key) {
        IngestProperties.BackendAuth auth = properties.auth();
        return new BackendServicesTokens(
                properties.partners().stream()
                        .map(IngestProperties.PartnerProperties::id)
                        .toList(),
                partnerId -> new BackendServicesClient(
                        properties.fhirBaseUrl(), auth.clientIdFor(partnerId), auth.scope(), key),
                new BackendServicesClient(
                        properties.fhirBaseUrl(),
                        auth.verifierClientId(),
                        IngestProperties.BackendAuth.VERIFIER_SCOPE,
                        key));
    }

    @Bean
    FhirWriter fhirWriter(FhirContext fhir, IngestProperties properties, RequestAuthorizer authorizer) {
        return new FhirWriter(fhir, properties.fhirBaseUrl(), authorizer);
    }
}
