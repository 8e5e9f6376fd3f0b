package io.healthportal.server.fhir;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Stock HAPI ({@code portal.fhir.storage-tuning=hapi-stock}), for benchmark comparison only: HAPI's
 * own {@link JpaStorageSettings} defaults, the Hibernate properties HAPI's JPA server starter ships
 * (no JDBC batching, Hibernate Search off) and Hikari's own pool defaults. Never run it for real:
 * it has no full-text search and no {@code :missing}, and it answers from cached search results.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = StorageTuningReport.PROPERTY, havingValue = "hapi-stock")
class HapiStockStorageTuningConfig {

    /** What the starter sets for PostgreSQL, except the schema, which HAPI's migrations own in both. */
    static final Map<String, String> HIBERNATE_PROPERTIES = Map.of(
            "hibernate.dialect", HapiFhirPostgresDialect.class.getName(),
            "hibernate.hbm2ddl.auto", "none",
            "hibernate.search.enabled", "false");

    @Bean
    JpaStorageSettings storageSettings() {
        return new JpaStorageSettings();
    }

    @Bean
    HibernateSettings hibernateSettings() {
        return new HibernateSettings(HIBERNATE_PROPERTIES);
    }

    /**
     * The external database with the connection settings only: {@code spring.datasource.hikari.*}
     * (the portal's pool size) is deliberately not bound. The embedded default's pool is stock already.
     */
    @Bean
    @Profile("postgres")
    HikariDataSource dataSource(DataSourceProperties properties) {
        return properties
                .initializeDataSourceBuilder()
                .type(HikariDataSource.class)
                .build();
    }
}
