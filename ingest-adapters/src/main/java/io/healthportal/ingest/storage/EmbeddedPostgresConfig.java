package io.healthportal.ingest.storage;

import io.healthportal.ingest.config.IngestProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The embedded default: ingest-adapters' own PostgreSQL 15, started by this process with its cluster
 * under {@code portal.ingest.data-dir/ingest-postgres}, so that accepted payloads survive a restart.
 * The {@code postgres} profile uses Spring's {@code spring.datasource.*} instead. Follows hapi-server's
 * {@code storage.EmbeddedPostgresConfig}; the two are small enough to keep apart for now.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!postgres")
class EmbeddedPostgresConfig {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);
    static final String DATABASE = "ingest";

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(IngestProperties properties) throws IOException {
        Path clusterDir = properties.dataDir().resolve("ingest-postgres").toAbsolutePath();
        Files.createDirectories(clusterDir);
        LeftoverPostmaster.stopIfRunning(clusterDir);
        log.warn("Starting the embedded PostgreSQL in {}: for trying the portal out, not for production", clusterDir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(clusterDir)
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "50")
                // The library tunes PostgreSQL for throwaway test databases (fsync and synchronous commit
                // off); this one holds accepted payloads, which must survive a crash once acknowledged.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres postgres) throws SQLException {
        createDatabaseIfMissing(postgres.getPostgresDatabase());
        return DataSourceBuilder.create()
                .url(postgres.getJdbcUrl("postgres", DATABASE))
                .username("postgres")
                .build();
    }

    private static void createDatabaseIfMissing(DataSource admin) throws SQLException {
        try (Connection connection = admin.getConnection();
                Statement statement = connection.createStatement()) {
            boolean exists;
            try (var rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }
}
