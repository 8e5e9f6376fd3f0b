package io.healthportal.server.fhir;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.entity.StorageSettings.IndexEnabledEnum;
import io.healthportal.server.config.PortalProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.orm.jpa.JpaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The storage settings the portal ships ({@code portal.fhir.storage-tuning=portal}, the default).
 * Each JPA storage setting that differs from stock HAPI says why here; the Hibernate properties are
 * {@code spring.jpa.properties} in application.yaml and the pool is {@code spring.datasource.hikari}.
 * {@link StorageSettingsDiff} computes the full list of differences and the server logs it at start.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = StorageTuningReport.PROPERTY, havingValue = "portal", matchIfMissing = true)
class PortalStorageTuningConfig {

    @Bean
    JpaStorageSettings storageSettings(PortalProperties portal, FhirServerProperties fhir) {
        JpaStorageSettings settings = new JpaStorageSettings();
        // The portal's own pages re-query right after a write: never answer from a cached search.
        settings.setReuseCachedSearchResultsForMillis(null);
        // :contains is part of the search API the portal promises.
        settings.setAllowContainsSearches(true);
        // :missing works without writing an index row for every absent value: HAPI answers it with
        // NOT EXISTS on the index tables (MissingModifierIT). The rows cost a large share of ingest.
        settings.setIndexMissingFields(IndexEnabledEnum.DISABLED);
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
    OffsetPagedSearchInterceptor offsetPagedSearches(FhirServerProperties fhir) {
        return new OffsetPagedSearchInterceptor(fhir.defaultPageSize());
    }

    /** application.yaml's {@code spring.jpa.properties}: JDBC batching, Hibernate Search on Lucene. */
    @Bean
    HibernateSettings hibernateSettings(JpaProperties jpa) {
        return new HibernateSettings(jpa.getProperties());
    }
}
