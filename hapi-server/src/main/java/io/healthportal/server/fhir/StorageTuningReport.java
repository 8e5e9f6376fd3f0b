package io.healthportal.server.fhir;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.healthportal.server.fhir.FhirServerProperties.StorageTuning;
import io.healthportal.server.fhir.StorageSettingsDiff.Difference;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Logs, once at start, every storage setting that differs from stock HAPI, as one line of JSON that
 * the benchmark reads back ({@link #MESSAGE}). With {@code portal.fhir.storage-tuning=hapi-stock}
 * the list is empty.
 */
class StorageTuningReport implements ApplicationRunner {

    static final String PROPERTY = "portal.fhir.storage-tuning";
    static final String MESSAGE = "Storage settings that differ from stock HAPI";

    private static final Logger log = LoggerFactory.getLogger(StorageTuningReport.class);

    private final StorageTuning tuning;
    private final JpaStorageSettings storageSettings;
    private final HibernateSettings hibernateSettings;
    private final DataSource dataSource;
    private final boolean offsetPagedSearches;

    StorageTuningReport(
            StorageTuning tuning,
            JpaStorageSettings storageSettings,
            HibernateSettings hibernateSettings,
            DataSource dataSource,
            boolean offsetPagedSearches) {
        this.tuning = tuning;
        this.offsetPagedSearches = offsetPagedSearches;
        this.storageSettings = storageSettings;
        this.hibernateSettings = hibernateSettings;
        this.dataSource = dataSource;
    }

    List<Difference> differences() {
        List<Difference> differences = new ArrayList<>(StorageSettingsDiff.jpaStorageSettings(storageSettings));
        differences.addAll(StorageSettingsDiff.hibernate(
                hibernateSettings.properties(), HapiStockStorageTuningConfig.HIBERNATE_PROPERTIES));
        hikari().ifPresent(pool -> differences.addAll(StorageSettingsDiff.hikari(pool)));
        if (offsetPagedSearches) {
            differences.add(new Difference(
                    "search paging",
                    "searches stored with their results (HFJ_SEARCH), pages by search id",
                    "offset queries, nothing stored (OffsetPagedSearchInterceptor)"));
        }
        return differences;
    }

    @Override
    public void run(ApplicationArguments args) throws JsonProcessingException {
        log.info(
                "{} ({}={}): {}",
                MESSAGE,
                PROPERTY,
                tuning.name().toLowerCase().replace('_', '-'),
                new ObjectMapper().writeValueAsString(differences()));
    }

    private Optional<HikariDataSource> hikari() {
        try {
            return dataSource.isWrapperFor(HikariDataSource.class)
                    ? Optional.of(dataSource.unwrap(HikariDataSource.class))
                    : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
