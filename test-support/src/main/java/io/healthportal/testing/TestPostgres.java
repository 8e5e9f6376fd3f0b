package io.healthportal.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The external PostgreSQL the integration tests run on ({@code PORTAL_TEST_POSTGRES_URL}, default
 * 127.0.0.1:5432 as user postgres). Every database this run creates carries the run's prefix
 * ({@code PORTAL_TEST_DB_PREFIX}, which {@code .ci/run} sets) and is dropped at JVM exit. A schema
 * that takes long to create (HAPI's) is made once per run in a template database and cloned.
 */
public final class TestPostgres {

    private static final String URL = env("PORTAL_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("PORTAL_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = env("PORTAL_TEST_POSTGRES_PASSWORD", "");
    private static final String PREFIX = env(
            "PORTAL_TEST_DB_PREFIX", "portal_test_" + ProcessHandle.current().pid());

    private static final TestPostgres INSTANCE = new TestPostgres();

    private final List<String> created = new ArrayList<>();
    private final Set<String> templates = new HashSet<>();

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

    /** A new, empty database named with the run's prefix; returns its JDBC URL. */
    public synchronized String newDatabase(String purpose) {
        String name = PREFIX + "_" + purpose;
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        execute("CREATE DATABASE " + name);
        created.add(name);
        return jdbcUrl(name);
    }

    /**
     * A new database cloned from template {@code template}, which {@code schema} fills the first time
     * it is asked for in this run; returns the new database's JDBC URL.
     */
    public synchronized String newDatabaseFrom(String template, Consumer<DataSource> schema, String purpose) {
        String templateName = PREFIX + "_" + template;
        if (templates.add(templateName)) {
            execute("DROP DATABASE IF EXISTS " + templateName + " WITH (FORCE)");
            execute("CREATE DATABASE " + templateName);
            created.add(templateName);
            schema.accept(dataSourceFor(jdbcUrl(templateName)));
        }
        String name = PREFIX + "_" + purpose;
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        execute("CREATE DATABASE " + name + " TEMPLATE " + templateName);
        created.add(name);
        return jdbcUrl(name);
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
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
