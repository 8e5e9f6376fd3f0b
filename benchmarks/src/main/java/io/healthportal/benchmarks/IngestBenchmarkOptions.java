package io.healthportal.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one {@code ./benchmark ingest} invocation does.
 *
 * @param messages ORU^R01 messages sent at each consumer count
 * @param patients how many different patients the messages are about
 * @param senders concurrent MLLP connections sending them, as several partner interfaces would
 * @param consumerLevels ingest-adapters' queue consumer counts to measure, each on fresh servers
 * @param rabbitMq the external RabbitMQ (the rabbitmq profile) instead of the embedded broker
 * @param parseMapResult JMH's JSON result of the parse+map benchmark, to include in the report
 */
record IngestBenchmarkOptions(
        boolean quick,
        int messages,
        int patients,
        int senders,
        List<Integer> consumerLevels,
        boolean rabbitMq,
        String serverHeap,
        String ingestHeap,
        Path serverJar,
        Path ingestJar,
        Path parseMapResult,
        String postgresUrl,
        String postgresUser,
        String postgresPassword,
        Duration startTimeout,
        Duration drainTimeout,
        long seed,
        Path outputDirectory) {

    static final String USAGE = """
            Usage: ./benchmark ingest [--quick] [--messages N] [--patients N] [--senders N]
                                      [--consumers 1,2,4] [--broker embedded|rabbitmq]
                                      [--heap 1g] [--ingest-heap 512m] [--postgres-url URL] ...
              End to end: ORU^R01 messages (six OBX each) over MLLP into ingest-adapters, through its
              broker, into hapi-server; then every resource is counted in hapi-server (nothing lost,
              nothing twice). Before it, the parse+map micro-benchmark (JMH, one thread).
              --quick        200 messages per consumer count, a short JMH run
              --broker       embedded (default: ingest-adapters' own AMQP broker) or rabbitmq
                             (the external RabbitMQ on 127.0.0.1:5672, or RABBITMQ_HOST/_PORT)
            Defaults: 2000 messages about 200 patients per consumer count, 4 senders, consumers 1,2,4.
            PostgreSQL defaults to jdbc:postgresql://127.0.0.1:5432/postgres as postgres
            (or PORTAL_BENCHMARK_POSTGRES_URL, _USER, _PASSWORD).""";

    static IngestBenchmarkOptions parse(String[] args) {
        CommandLineValues o = CommandLineValues.parse(args, "--quick");
        boolean quick = o.flag("--quick");
        String broker = o.string("broker", "embedded");
        IngestBenchmarkOptions options = new IngestBenchmarkOptions(
                quick,
                o.integer("messages", quick ? 200 : 2000),
                o.integer("patients", 200),
                o.integer("senders", 4),
                o.integers("consumers", List.of(1, 2, 4)),
                broker.equals("rabbitmq"),
                o.string("heap", "1g"),
                o.string("ingest-heap", "512m"),
                Path.of(o.string("server-jar", "hapi-server/target/hapi-server-0.1.0-SNAPSHOT.jar")),
                Path.of(o.string("ingest-jar", "ingest-adapters/target/ingest-adapters-0.1.0-SNAPSHOT.jar")),
                Path.of(o.string("parse-map-result", "benchmarks/target/parse-map.json")),
                o.string(
                        "postgres-url",
                        CommandLineValues.env(
                                "PORTAL_BENCHMARK_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres")),
                o.string("postgres-user", CommandLineValues.env("PORTAL_BENCHMARK_POSTGRES_USER", "postgres")),
                o.string("postgres-password", CommandLineValues.env("PORTAL_BENCHMARK_POSTGRES_PASSWORD", "")),
                Duration.ofSeconds(o.integer("start-timeout-seconds", 600)),
                Duration.ofSeconds(o.integer("drain-timeout-seconds", 1800)),
                Long.parseLong(o.string("seed", "20261126")),
                Path.of(o.string("output-dir", "benchmarks/target/benchmark-results")));
        if (!o.unused().isEmpty()) {
            throw new IllegalArgumentException("Unknown options: " + o.unused());
        }
        require(broker.equals("embedded") || broker.equals("rabbitmq"), "--broker takes embedded or rabbitmq");
        require(options.messages >= 1, "--messages must be at least 1");
        require(options.patients >= 1, "--patients must be at least 1");
        require(options.senders >= 1 && options.senders <= 64, "--senders must be 1 to 64");
        require(options.consumerLevels.stream().allMatch(c -> c >= 1 && c <= 64), "--consumers must be 1 to 64 each");
        return options;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
