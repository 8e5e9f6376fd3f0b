package io.healthportal.ingest.storage;

import io.healthportal.embeddedpostgres.EmbeddedPostgresCluster;
import io.healthportal.ingest.config.IngestProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The embedded default: ingest-adapters' own PostgreSQL 15, its cluster under
 * {@code portal.ingest.data-dir/ingest-postgres}, so that accepted payloads survive a restart (it
 * runs durable: a payload acknowledged must survive a crash). The {@code postgres} profile uses
 * Spring's {@code spring.datasource.*} instead.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!postgres")
class EmbeddedPostgresConfig {

    static final String DATABASE = "ingest";

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(IngestProperties properties) throws IOException {
        return EmbeddedPostgresCluster.start(properties.dataDir().resolve("ingest-postgres"), 50);
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres postgres) throws SQLException {
        return DataSourceBuilder.create()
                .url(EmbeddedPostgresCluster.database(postgres, DATABASE))
                .username("postgres")
                .build();
    }
}
