package io.healthportal.embeddedpostgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded defaults' database: a real PostgreSQL 15 started by the deployable itself, with its
 * cluster in a directory that outlives the process, so that data survives a restart. hapi-server and
 * ingest-adapters each start their own, under their own directory. Production uses an external
 * PostgreSQL (the {@code postgres} profile) instead.
 */
public final class EmbeddedPostgresCluster {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresCluster.class);

    private EmbeddedPostgresCluster() {}

    /**
     * Starts PostgreSQL on {@code clusterDir} (created on first start, kept afterwards), after stopping
     * a postmaster that a killed run left holding it. Close the result to stop the server.
     */
    public static EmbeddedPostgres start(Path clusterDir, int maxConnections) throws IOException {
        Path dir = clusterDir.toAbsolutePath();
        Files.createDirectories(dir);
        LeftoverPostmaster.stopIfRunning(dir);
        log.warn("Starting the embedded PostgreSQL in {}: for trying the portal out, not for production", dir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", String.valueOf(maxConnections))
                // The library starts PostgreSQL tuned for throwaway test databases (fsync and synchronous
                // commit off); this one keeps the user's data, so it is made durable again.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
    }

    /** The JDBC URL of {@code database} on the cluster, which is created when it does not exist yet. */
    public static String database(EmbeddedPostgres postgres, String database) throws SQLException {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Not a plain database name: " + database);
        }
        DataSource admin = postgres.getPostgresDatabase();
        try (Connection connection = admin.getConnection();
                Statement statement = connection.createStatement();
                ResultSet existing =
                        statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            if (!existing.next()) {
                statement.execute("CREATE DATABASE " + database);
            }
        }
        return postgres.getJdbcUrl("postgres", database);
    }
}
