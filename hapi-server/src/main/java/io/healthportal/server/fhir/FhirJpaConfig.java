package io.healthportal.server.fhir;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.entity.StorageSettings.IndexEnabledEnum;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import io.healthportal.server.config.PortalProperties;
import io.healthportal.server.storage.FhirSchema;
import jakarta.persistence.EntityManagerFactory;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.orm.jpa.JpaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI FHIR JPA (R4) on PostgreSQL: the storage settings the portal relies on, and the entity
 * manager that HAPI's repositories use. Settings that differ from stock HAPI are listed in
 * {@link #storageSettings} with the reason; the benchmark prints the same list.
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

    @Bean
    JpaStorageSettings storageSettings(PortalProperties portal, FhirServerProperties fhir) {
        JpaStorageSettings settings = new JpaStorageSettings();
        // The portal's own pages re-query right after a write: never answer from a cached search.
        settings.setReuseCachedSearchResultsForMillis(null);
        // :contains is part of the search API the portal promises.
        settings.setAllowContainsSearches(true);
        // :missing answers from an index row written for absent values too.
        settings.setIndexMissingFields(IndexEnabledEnum.ENABLED);
        // Full text (_text, _content) through Hibernate Search.
        settings.setHibernateSearchIndexFullText(true);
        settings.setEnforceReferentialIntegrityOnWrite(true);
        settings.setEnforceReferentialIntegrityOnDelete(true);
        settings.setAutoCreatePlaceholderReferenceTargets(false);
        settings.setAllowExternalReferences(false);
        settings.setFetchSizeDefaultMaximum(fhir.maxPageSize());
        // Links and references to our own public base URL are local references.
        settings.getTreatBaseUrlsAsLocal().add(portal.fhirBaseUrl());
        return settings;
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
            JpaProperties jpaProperties,
            SchemaVersion schemaVersion) {
        LocalContainerEntityManagerFactoryBean factory =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setDataSource(dataSource);
        Map<String, Object> properties = new HashMap<>(jpaProperties.getProperties());
        factory.setJpaPropertyMap(properties);
        return factory;
    }

    @Primary
    @Bean
    JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    /** Marker that the schema was migrated; the entity manager depends on it. */
    record SchemaVersion(int tasksApplied) {}
}
