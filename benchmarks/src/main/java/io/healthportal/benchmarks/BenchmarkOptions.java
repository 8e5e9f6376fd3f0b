package io.healthportal.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one benchmark invocation does. Every figure has a default for the full run; {@code --quick}
 * shrinks the run to a smoke test of a few minutes (one run, few patients, short mixes).
 *
 * @param runs how many times each configuration is measured; the report gives the median and spread
 * @param patientsPerLevel patients loaded at each client count (disjoint index ranges)
 * @param resourcesPerPatient entries in each patient's transaction bundle
 * @param clientLevels the numbers of concurrent clients, for ingest and for the search mix
 * @param warmup how long the search mix runs untimed before the timed mixes
 * @param mixDuration how long the timed search mix runs at each client count
 * @param configurations values of {@code portal.fhir.storage-tuning} to compare
 * @param serverHeap the server JVM's {@code -Xmx}
 * @param serverJar the hapi-server Spring Boot jar
 * @param serverArguments extra arguments for every server started, e.g. to try a setting
 * @param postgresUrl a JDBC URL of the PostgreSQL server (any database on it; the benchmark creates its own)
 * @param outputDirectory where server logs and the JSON result go
 */
record BenchmarkOptions(
        boolean quick,
        int runs,
        int patientsPerLevel,
        int resourcesPerPatient,
        List<Integer> clientLevels,
        Duration warmup,
        Duration mixDuration,
        List<String> configurations,
        String serverHeap,
        Path serverJar,
        List<String> serverArguments,
        String postgresUrl,
        String postgresUser,
        String postgresPassword,
        Duration serverStartTimeout,
        long seed,
        Path outputDirectory) {

    static final String USAGE = """
            Usage: ./benchmark [--quick] [--runs N] [--patients N] [--resources-per-patient N]
                               [--clients 1,2,4] [--warmup-seconds S] [--mix-seconds S]
                               [--configurations portal,hapi-stock] [--heap 768m]
                               [--postgres-url URL] [--postgres-user U] [--postgres-password P]
                               [--server-jar PATH] [--server-args "ARG ..."] [--output-dir DIR] [--seed N]
              --quick        smoke run: 1 run, 10 patients per client count, 15 s warm-up, 15 s mixes
              --server-args  extra hapi-server arguments for every configuration, to try a setting,
                             e.g. "--spring.datasource.hikari.maximum-pool-size=8"
            Defaults (full run): 3 runs, 150 patients x 300 resources per client count,
            120 s warm-up, 60 s timed mix per client count, clients 1,2,4, heap 768m.
            PostgreSQL defaults to jdbc:postgresql://127.0.0.1:5432/postgres as postgres
            (or PORTAL_BENCHMARK_POSTGRES_URL, _USER, _PASSWORD).""";

    static BenchmarkOptions parse(String[] args) {
        CommandLineValues o = CommandLineValues.parse(args, "--quick");
        boolean quick = o.flag("--quick");
        BenchmarkOptions options = new BenchmarkOptions(
                quick,
                o.integer("runs", quick ? 1 : 3),
                o.integer("patients", quick ? 10 : 150),
                o.integer("resources-per-patient", 300),
                o.integers("clients", List.of(1, 2, 4)),
                Duration.ofSeconds(o.integer("warmup-seconds", quick ? 15 : 120)),
                Duration.ofSeconds(o.integer("mix-seconds", quick ? 15 : 60)),
                o.strings("configurations", List.of("portal", "hapi-stock")),
                o.string("heap", "768m"),
                Path.of(o.string("server-jar", "hapi-server/target/hapi-server-0.1.0-SNAPSHOT.jar")),
                o.words("server-args"),
                o.string(
                        "postgres-url",
                        CommandLineValues.env(
                                "PORTAL_BENCHMARK_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres")),
                o.string("postgres-user", CommandLineValues.env("PORTAL_BENCHMARK_POSTGRES_USER", "postgres")),
                o.string("postgres-password", CommandLineValues.env("PORTAL_BENCHMARK_POSTGRES_PASSWORD", "")),
                Duration.ofSeconds(o.integer("server-start-timeout-seconds", 600)),
                Long.parseLong(o.string("seed", "20261126")),
                Path.of(o.string("output-dir", "benchmarks/target/benchmark-results")));
        if (!o.unused().isEmpty()) {
            throw new IllegalArgumentException("Unknown options: " + o.unused());
        }
        options.validate();
        return options;
    }

    private void validate() {
        require(runs >= 1 && runs <= 9, "--runs must be 1 to 9");
        require(patientsPerLevel >= 1, "--patients must be at least 1");
        require(resourcesPerPatient >= 30, "--resources-per-patient must be at least 30");
        require(
                (long) patientsPerLevel * clientLevels.size() <= 100_000,
                "--patients times the client counts must stay below the generator's 100000 patients");
        require(clientLevels.stream().allMatch(c -> c >= 1 && c <= 64), "--clients must be 1 to 64 each");
        require(!configurations.isEmpty(), "--configurations must name at least one");
        require(
                configurations.stream().allMatch(c -> c.equals("portal") || c.equals("hapi-stock")),
                "--configurations takes portal and/or hapi-stock");
        require(!mixDuration.isNegative() && !mixDuration.isZero(), "--mix-seconds must be positive");
    }

    int maxClients() {
        return clientLevels.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
