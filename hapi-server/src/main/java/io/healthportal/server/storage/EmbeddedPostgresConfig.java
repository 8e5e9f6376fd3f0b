package io.healthportal.server.storage;

import io.healthportal.embeddedpostgres.EmbeddedPostgresCluster;
import io.healthportal.server.config.PortalProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The embedded default: hapi-server's own PostgreSQL 15, its cluster under
 * {@code portal.data-dir/postgres} so that data survives a restart. Production uses the
 * {@code postgres} profile and Spring's own {@code spring.datasource.*} instead.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!postgres")
class EmbeddedPostgresConfig {

    static final String DATABASE = "fhir";

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(PortalProperties portal) throws IOException {
        return EmbeddedPostgresCluster.start(portal.dataDir().resolve("postgres"), 100);
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres postgres) throws SQLException {
        return DataSourceBuilder.create()
                .url(EmbeddedPostgresCluster.database(postgres, DATABASE))
                .username("postgres")
                .build();
    }
}
