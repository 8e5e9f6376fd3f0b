package io.healthportal.server.fhir;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.PreferHandlingEnum;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.interceptor.SearchPreferHandlingInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import io.healthportal.server.config.PortalProperties;
import io.healthportal.server.security.FhirSecurityInterceptors;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The FHIR REST API at {@code /fhir}: which providers answer and which request-facing interceptors
 * run. Storage-wide interceptors belong on HAPI's interceptor service, not here.
 */
@Configuration(proxyBeanMethods = false)
class FhirRestfulServerConfig {

    static final String FHIR_PATH = "/fhir";

    @Bean
    RestfulServer fhirRestfulServer(
            FhirContext fhirContext,
            PortalProperties portal,
            FhirServerProperties fhir,
            ResourceProviderFactory resourceProviders,
            JpaSystemProvider<?, ?> systemProvider,
            BulkDataExportProvider bulkDataExportProvider,
            IFhirSystemDao<?, ?> systemDao,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            IValidationSupport validationSupport,
            DatabaseBackedPagingProvider pagingProvider,
            FhirSecurityInterceptors security,
            ObjectProvider<OffsetPagedSearchInterceptor> offsetPagedSearches) {
        RestfulServer server = new RestfulServer(fhirContext);
        server.registerProviders(resourceProviders.createProviders());
        server.registerProvider(systemProvider);
        server.registerProvider(bulkDataExportProvider);

        JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(
                server, systemDao, storageSettings, searchParamRegistry, validationSupport);
        capabilities.setImplementationDescription("Patient health portal FHIR R4 server");
        server.setServerConformanceProvider(capabilities);

        server.setServerAddressStrategy(new HardcodedServerAddressStrategy(portal.fhirBaseUrl()));
        pagingProvider.setDefaultPageSize(fhir.defaultPageSize());
        pagingProvider.setMaximumPageSize(fhir.maxPageSize());
        server.setPagingProvider(pagingProvider);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);

        security.interceptors().forEach(server::registerInterceptor);
        server.registerInterceptor(strictSearchParameters(searchParamRegistry));
        server.registerInterceptor(new StaleVersionPreconditionInterceptor());
        server.registerInterceptor(new PortalCapabilitiesInterceptor());
        server.registerInterceptor(new EverythingSinceInterceptor());
        offsetPagedSearches.ifAvailable(server::registerInterceptor);
        server.registerInterceptor(new ComponentCompositeInterceptor());
        server.registerInterceptor(new SearchPrefixInterceptor(fhirContext, Clock.systemUTC()));
        server.registerInterceptor(new OpenApiInterceptor());
        server.registerInterceptor(new ResponseHighlighterInterceptor());
        return server;
    }

    /** Unknown search parameters are a 400 unless the client sends {@code Prefer: handling=lenient}. */
    private static SearchPreferHandlingInterceptor strictSearchParameters(ISearchParamRegistry registry) {
        SearchPreferHandlingInterceptor interceptor = new SearchPreferHandlingInterceptor(registry);
        interceptor.setDefaultBehaviour(PreferHandlingEnum.STRICT);
        return interceptor;
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, FHIR_PATH + "/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimit(
            FhirServerProperties fhir, FhirContext fhirContext) {
        FilterRegistrationBean<RequestBodyLimitFilter> registration =
                new FilterRegistrationBean<>(new RequestBodyLimitFilter(fhir.maxRequestBody(), fhirContext));
        registration.addUrlPatterns(FHIR_PATH + "/*");
        return registration;
    }
}
