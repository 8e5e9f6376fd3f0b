package io.healthportal.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The fresh databases the benchmark runs on: one per configuration per run, created empty (the
 * server applies HAPI's migrations itself) and dropped when that measurement ends, or at the latest
 * when the JVM exits.
 */
final class PostgresDatabases implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final String prefix;
    private final List<String> open = new ArrayList<>();

    PostgresDatabases(String url, String user, String password, String prefix) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.prefix = prefix;
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "drop-benchmark-databases"));
    }

    /** Creates an empty database and returns its JDBC URL. */
    synchronized String create(String purpose) {
        String name = prefix + "_" + purpose.replaceAll("[^a-z0-9]", "_");
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        execute("CREATE DATABASE " + name);
        open.add(name);
        return jdbcUrl(name);
    }

    synchronized void drop(String jdbcUrl) {
        String name = databaseName(jdbcUrl);
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        open.remove(name);
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    @Override
    public synchronized void close() {
        for (String name : List.copyOf(open)) {
            try {
                execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                open.remove(name);
            } catch (RuntimeException e) {
                System.err.println("Could not drop benchmark database " + name + ": " + e.getMessage());
            }
        }
    }

    private String jdbcUrl(String database) {
        int slash = url.lastIndexOf('/');
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
    }

    private static String databaseName(String jdbcUrl) {
        int slash = jdbcUrl.lastIndexOf('/');
        int query = jdbcUrl.indexOf('?', slash);
        return query < 0 ? jdbcUrl.substring(slash + 1) : jdbcUrl.substring(slash + 1, query);
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + " refused: " + sql + ": " + e.getMessage(), e);
        }
    }
}
