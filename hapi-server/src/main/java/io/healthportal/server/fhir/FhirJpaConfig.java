package io.healthportal.server.fhir;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import io.healthportal.server.storage.FhirSchema;
import jakarta.persistence.EntityManagerFactory;
import java.util.HashMap;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI FHIR JPA (R4) on PostgreSQL: the entity manager that HAPI's repositories use. The storage
 * settings come from {@link PortalStorageTuningConfig} (or, for benchmark comparison only, {@link
 * HapiStockStorageTuningConfig}); {@link StorageTuningReport} logs how they differ from stock HAPI.
 */
@Configuration(proxyBeanMethods = false)
@Import({
    JpaR4Config.class,
    HapiJpaConfig.class,
    ThreadPoolFactoryConfig.class,
    JpaBatch2Config.class,
    Batch2JobsConfig.class,
    // The in-process message channels batch2 (bulk export, reindex) runs on.
    SubscriptionChannelConfig.class
})
class FhirJpaConfig {

    /** Storage-wide interceptors: they run for requests and for background jobs alike. */
    @Bean
    BulkExportScopeInterceptor bulkExportScopeInterceptor(IInterceptorService interceptors, FhirContext fhirContext) {
        BulkExportScopeInterceptor interceptor = new BulkExportScopeInterceptor(fhirContext);
        interceptors.registerInterceptor(interceptor);
        return interceptor;
    }

    @Bean
    PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Bean
    SubscriptionSettings subscriptionSettings() {
        return new SubscriptionSettings();
    }

    /** Runs before the entity manager exists, so Hibernate only ever sees a current schema. */
    @Bean
    SchemaVersion fhirSchemaVersion(DataSource dataSource) {
        return new SchemaVersion(FhirSchema.migrate(dataSource));
    }

    @Primary
    @Bean
    LocalContainerEntityManagerFactoryBean entityManagerFactory(
            ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext,
            JpaStorageSettings storageSettings,
            DataSource dataSource,
            HibernateSettings hibernateSettings,
            SchemaVersion schemaVersion) {
        LocalContainerEntityManagerFactoryBean factory =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setDataSource(dataSource);
        factory.setJpaPropertyMap(new HashMap<String, Object>(hibernateSettings.properties()));
        return factory;
    }

    @Bean
    StorageTuningReport storageTuningReport(
            FhirServerProperties fhir,
            JpaStorageSettings storageSettings,
            HibernateSettings hibernateSettings,
            DataSource dataSource,
            ObjectProvider<OffsetPagedSearchInterceptor> offsetPagedSearches) {
        return new StorageTuningReport(
                fhir.storageTuning(),
                storageSettings,
                hibernateSettings,
                dataSource,
                offsetPagedSearches.getIfAvailable() != null);
    }

    @Primary
    @Bean
    JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    /** Marker that the schema was migrated; the entity manager depends on it. */
    record SchemaVersion(int tasksApplied) {}
}
