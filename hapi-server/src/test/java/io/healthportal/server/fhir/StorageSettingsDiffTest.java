package io.healthportal.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.entity.StorageSettings.IndexEnabledEnum;
import com.zaxxer.hikari.HikariConfig;
import io.healthportal.server.fhir.StorageSettingsDiff.Difference;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageSettingsDiffTest {

    @Test
    void stockJpaStorageSettingsDifferInNothing() {
        assertThat(StorageSettingsDiff.jpaStorageSettings(new JpaStorageSettings()))
                .isEmpty();
    }

    @Test
    void eachChangedJpaStorageSettingIsListedWithBothValues() {
        JpaStorageSettings settings = new JpaStorageSettings();
        settings.setIndexMissingFields(IndexEnabledEnum.ENABLED);
        settings.getTreatBaseUrlsAsLocal().add("https://portal.example/fhir");

        assertThat(StorageSettingsDiff.jpaStorageSettings(settings))
                .containsExactlyInAnyOrder(
                        new Difference("JpaStorageSettings.indexMissingFields", "DISABLED", "ENABLED"),
                        new Difference(
                                "JpaStorageSettings.treatBaseUrlsAsLocal", "[]", "[https://portal.example/fhir]"));
    }

    @Test
    void hibernatePropertiesAbsentFromStockAreShownAsHibernateDefaults() {
        assertThat(StorageSettingsDiff.hibernate(
                        Map.of("hibernate.jdbc.batch_size", "50", "hibernate.search.enabled", "true"),
                        Map.of("hibernate.search.enabled", "false")))
                .containsExactly(
                        new Difference("hibernate.jdbc.batch_size", StorageSettingsDiff.UNSET, "50"),
                        new Difference("hibernate.search.enabled", "false", "true"));
    }

    @Test
    void hikariPoolSizeIsComparedAfterValidationAndConnectionSecretsNeverAppear() {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl("jdbc:postgresql://db/fhir");
        pool.setUsername("fhir");
        pool.setPassword("s3cret");
        pool.addDataSourceProperty("password", "s3cret");
        pool.setMaximumPoolSize(8);
        pool.validate();

        assertThat(StorageSettingsDiff.hikari(pool))
                .contains(
                        new Difference("hikari.maximumPoolSize", "10", "8"),
                        new Difference("hikari.minimumIdle", "10", "8"))
                .noneMatch(d -> d.value().contains("s3cret") || d.setting().contains("jdbcUrl"));
    }
}
