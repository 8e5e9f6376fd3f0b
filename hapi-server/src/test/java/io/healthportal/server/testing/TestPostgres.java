package io.healthportal.server.testing;

import io.healthportal.server.storage.FhirSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The external PostgreSQL the integration tests run on ({@code PORTAL_TEST_POSTGRES_URL}, default
 * 127.0.0.1:5432 as user postgres). HAPI's schema is migrated once per run into a template database;
 * each Spring context gets a fresh clone of it. Every database this run creates carries the run's
 * prefix ({@code PORTAL_TEST_DB_PREFIX}, which {@code .ci/run} sets) and is dropped at JVM exit.
 */
public final class TestPostgres {

    private static final String URL = env("PORTAL_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("PORTAL_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = env("PORTAL_TEST_POSTGRES_PASSWORD", "");
    private static final String PREFIX = env(
            "PORTAL_TEST_DB_PREFIX", "portal_test_" + ProcessHandle.current().pid());

    private static final TestPostgres INSTANCE = new TestPostgres();

    private final List<String> created = new ArrayList<>();
    private String template;

    private TestPostgres() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::dropCreated, "drop-test-databases"));
    }

    public static TestPostgres instance() {
        return INSTANCE;
    }

    /** Why the tests cannot use PostgreSQL, or empty when they can. */
    public static Optional<String> unavailableReason() {
        try (Connection ignored = DriverManager.getConnection(URL, USER, PASSWORD)) {
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("PostgreSQL at " + URL + " (user " + USER + ") is not reachable: " + e.getMessage());
        }
    }

    /** A new database holding HAPI's current schema and no data; returns its JDBC URL. */
    public synchronized String newFhirDatabase(String purpose) {
        if (template == null) {
            template = PREFIX + "_template";
            execute("DROP DATABASE IF EXISTS " + template);
            execute("CREATE DATABASE " + template);
            created.add(template);
            FhirSchema.migrate(dataSource(template));
        }
        String name = PREFIX + "_" + purpose;
        execute("DROP DATABASE IF EXISTS " + name);
        execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        created.add(name);
        return jdbcUrl(name);
    }

    /** A new database with nothing in it, for testing migrations themselves. */
    public synchronized String newEmptyDatabase(String purpose) {
        String name = PREFIX + "_" + purpose;
        execute("DROP DATABASE IF EXISTS " + name);
        execute("CREATE DATABASE " + name);
        created.add(name);
        return jdbcUrl(name);
    }

    public Map<String, String> credentials() {
        return Map.of("username", USER, "password", PASSWORD);
    }

    public PGSimpleDataSource dataSource(String database) {
        return dataSourceFor(jdbcUrl(database));
    }

    /** A data source for a database this run created, by the JDBC URL the creating call returned. */
    public PGSimpleDataSource dataSourceFor(String url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(USER);
        dataSource.setPassword(PASSWORD);
        return dataSource;
    }

    private static String jdbcUrl(String database) {
        int slash = URL.lastIndexOf('/');
        int query = URL.indexOf('?', slash);
        return URL.substring(0, slash + 1) + database + (query < 0 ? "" : URL.substring(query));
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database setup failed on: " + sql, e);
        }
    }

    private synchronized void dropCreated() {
        for (int i = created.size() - 1; i >= 0; i--) {
            String name = created.get(i);
            try {
                execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException e) {
                System.err.println("Could not drop test database " + name + ": " + e.getMessage());
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
