package io.healthportal.server.storage;

import io.healthportal.server.config.PortalProperties;
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
 * The embedded default: a real PostgreSQL 15 started by this process, its cluster under
 * {@code portal.data-dir/postgres} so that data survives a restart. Production uses the
 * {@code postgres} profile and Spring's own {@code spring.datasource.*} instead.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!postgres")
class EmbeddedPostgresConfig {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);
    static final String DATABASE = "fhir";

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(PortalProperties portal) throws IOException {
        Path clusterDir = portal.dataDir().resolve("postgres").toAbsolutePath();
        Files.createDirectories(clusterDir);
        LeftoverPostmaster.stopIfRunning(clusterDir);
        log.warn("Starting the embedded PostgreSQL in {}: for trying the portal out, not for production", clusterDir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(clusterDir)
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "100")
                // The library starts PostgreSQL tuned for throwaway test databases (fsync and synchronous
                // commit off); this one keeps the user's data, so it is made durable again.
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
