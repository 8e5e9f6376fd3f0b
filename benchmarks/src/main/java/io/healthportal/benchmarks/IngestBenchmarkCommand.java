package io.healthportal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthportal.demo.LabResultMessages;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.smartclient.BackendServicesKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./benchmark ingest}: end-to-end throughput of lab results. ORU^R01 messages (six OBX each)
 * go over MLLP into ingest-adapters, are stored durably and acknowledged, cross its broker and are
 * written to hapi-server as transactions by C consumers. Each consumer count runs on fresh servers
 * and fresh databases. Afterwards every expected resource is counted in hapi-server, so loss and
 * duplicates are measured, not assumed. Prints JSON on stdout (with the parse+map figures of the JMH
 * run that {@code ./benchmark ingest} makes first), progress on stderr.
 */
public final class IngestBenchmarkCommand {

    /** ingest-adapters writes as this Backend Services client; its key is made per run. */
    private static final String INGEST_CLIENT_ID = "ingest-benchmark";

    /** The partner the messages come from: ingest-adapters' demo laboratory (HL7 v2 over MLLP). */
    static final String PARTNER = "demo-lab";

    /** What an ORU^R01 becomes: the patient, the report, its observations and the Provenance. */
    private static final String INGEST_SCOPES =
            "system/Patient.crus system/DiagnosticReport.crus system/Observation.crus system/Provenance.crus"
                    + " system/ServiceRequest.crus system/Specimen.crus system/Encounter.crus system/Organization.crus"
                    + " system/Location.crus";

    /** Untimed messages first, so the JIT, connection pools and tokens are warm when timing starts. */
    private static final int WARM_UP_MESSAGES = 30;

    private static final Duration WARM_UP_TIMEOUT = Duration.ofMinutes(5);

    private static final double PARSE_MAP_TARGET_PER_CORE = 5000;
    private static final double END_TO_END_TARGET = 150;

    private final IngestBenchmarkOptions options;
    private final Path outputDirectory;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private IngestBenchmarkCommand(IngestBenchmarkOptions options, Path outputDirectory) {
        this.options = options;
        this.outputDirectory = outputDirectory;
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(IngestBenchmarkOptions.USAGE);
            return;
        }
        IngestBenchmarkOptions options;
        try {
            options = IngestBenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(IngestBenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        for (Path jar : List.of(options.serverJar(), options.ingestJar())) {
            if (!Files.isRegularFile(jar)) {
                System.err.println("No jar at " + jar + ": build it first (./benchmark ingest does).");
                System.exit(2);
            }
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
                .format(Instant.now().atOffset(ZoneOffset.UTC));
        Path outputDirectory = options.outputDirectory().resolve("ingest-" + stamp);
        Files.createDirectories(outputDirectory);
        new IngestBenchmarkCommand(options, outputDirectory)
                .run("portal_ingest_bench_" + stamp + "_"
                        + ProcessHandle.current().pid());
    }

    private void run(String databasePrefix) throws Exception {
        Instant started = Instant.now();
        ObjectNode result = json.createObjectNode();
        result.put("benchmark", "ingest-adapters: HL7 v2 ORU^R01 parse+map, and end to end into hapi-server");
        result.put("startedAt", started.toString());
        result.put("quick", options.quick());
        ObjectNode machine = result.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("loadAverageAtStart", loadAverage());
        machine.put(
                "note",
                "The MLLP senders, ingest-adapters, its broker, hapi-server and PostgreSQL share this"
                        + " machine's cores.");
        result.set("parseAndMap", parseAndMap());

        ObjectNode endToEnd = result.putObject("endToEnd");
        endToEnd.put("messages", options.messages());
        endToEnd.put("observationsPerMessage", 6);
        endToEnd.put("patients", options.patients());
        endToEnd.put("senders", options.senders());
        endToEnd.put("broker", options.rabbitMq() ? "rabbitmq (external, quorum queue)" : "embedded (Qpid)");
        endToEnd.put("serverHeap", options.serverHeap());
        endToEnd.put("ingestHeap", options.ingestHeap());
        ObjectNode byConsumers = endToEnd.putObject("byConsumers");
        try (PostgresDatabases databases = new PostgresDatabases(
                options.postgresUrl(), options.postgresUser(), options.postgresPassword(), databasePrefix)) {
            for (int consumers : options.consumerLevels()) {
                byConsumers.set(Integer.toString(consumers), measure(databases, consumers));
            }
        }
        result.set("targets", targets(result));
        machine.put("loadAverageAtEnd", loadAverage());
        result.put("finishedAt", Instant.now().toString());
        String text = json.writeValueAsString(result);
        Path file = outputDirectory.resolve("result.json");
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        progress(
                "Done in %d s; JSON also in %s",
                Duration.between(started, Instant.now()).toSeconds(), file);
        System.out.println(text);
    }

    /** The JMH figures, read from its JSON result file. */
    private ObjectNode parseAndMap() throws IOException {
        ObjectNode node = json.createObjectNode();
        node.put("method", "JMH, one thread (messages per second per core), ParseMapBenchmark in ingest-adapters");
        if (!Files.isRegularFile(options.parseMapResult())) {
            node.put("missing", "no JMH result at " + options.parseMapResult() + "; ./benchmark ingest runs it first");
            return node;
        }
        for (JsonNode run : json.readTree(options.parseMapResult().toFile())) {
            String name = run.path("benchmark").asText();
            ObjectNode figure = node.putObject(name.substring(name.lastIndexOf('.') + 1));
            JsonNode metric = run.path("primaryMetric");
            figure.put("messagesPerSecond", Math.round(metric.path("score").asDouble()));
            figure.put("error99", Math.round(metric.path("scoreError").asDouble()));
            figure.put("iterations", metric.path("rawData").path(0).size());
        }
        return node;
    }

    private ObjectNode measure(PostgresDatabases databases, int consumers) throws Exception {
        Path workDir = outputDirectory.resolve("consumers-" + consumers);
        Files.createDirectories(workDir);
        String fhirDatabase = databases.create("fhir_c" + consumers);
        String ingestDatabase = databases.create("ingest_c" + consumers);
        Path ingestKeyFile = workDir.resolve("ingest-client-key.json");
        String ingestJwks = BackendServicesKey.load(ingestKeyFile, true).publicKeysJson();
        List<String> registerIngest = List.of(
                "--portal.auth.backend-clients." + INGEST_CLIENT_ID + ".jwks=" + ingestJwks,
                "--portal.auth.backend-clients." + INGEST_CLIENT_ID + ".scopes=" + INGEST_SCOPES.replace(' ', ','),
                "--portal.auth.backend-clients." + INGEST_CLIENT_ID + ".role=partner",
                "--portal.auth.backend-clients." + INGEST_CLIENT_ID + ".partner-id=" + PARTNER);
        progress(
                "[%d consumer(s)] starting hapi-server and ingest-adapters on fresh databases; logs in %s",
                consumers, workDir);
        try (HapiServerProcess server = HapiServerProcess.start(
                        options.serverJar(),
                        options.serverHeap(),
                        registerIngest,
                        "portal",
                        fhirDatabase,
                        databases.user(),
                        databases.password(),
                        workDir);
                IngestAdaptersProcess ingest = IngestAdaptersProcess.start(
                        options.ingestJar(),
                        options.ingestHeap(),
                        consumers,
                        options.rabbitMq(),
                        server.fhirBase(),
                        INGEST_CLIENT_ID,
                        INGEST_SCOPES,
                        ingestKeyFile,
                        ingestDatabase,
                        databases.user(),
                        databases.password(),
                        workDir);
                RssSampler serverRss = new RssSampler(server.pid());
                RssSampler ingestRss = new RssSampler(ingest.pid())) {
            server.awaitReady(options.startTimeout());
            ingest.awaitReady(options.startTimeout());

            LabResultMessages warmUp = new LabResultMessages(
                    options.seed(), options.patients(), "WARM" + consumers, Instant.parse("2026-11-01T07:00:00Z"));
            Set<String> patients = ConcurrentHashMap.newKeySet();
            Sent warm = send(warmUp, WARM_UP_MESSAGES, ingest.mllpPort(), patients);
            // A few messages: minutes mean something is wrong (the logs say what), not a slow machine.
            awaitFinished(ingestDatabase, warm.accepted(), Instant.now(), WARM_UP_TIMEOUT, workDir);
            progress("[%d consumer(s)] warm-up: %d messages written", consumers, warm.accepted());

            LabResultMessages messages = new LabResultMessages(
                    options.seed() + 1, options.patients(), "B" + consumers, Instant.parse("2026-11-01T08:00:00Z"));
            Duration serverCpu = server.cpuTime();
            Duration ingestCpu = ingest.cpuTime();
            Duration machineCpu = CpuTime.ofMachine();
            serverRss.takeMaxKib();
            ingestRss.takeMaxKib();
            Instant start = Instant.now();
            Sent sent = send(messages, options.messages(), ingest.mllpPort(), patients);
            Duration intake = Duration.between(start, Instant.now());
            progress(
                    "[%d consumer(s)] %d messages acknowledged AA in %.1f s (%d refused); waiting for the writes",
                    consumers, sent.accepted(), intake.toMillis() / 1000.0, sent.refused());
            Finished finished = awaitFinished(
                    ingestDatabase, warm.accepted() + sent.accepted(), start, options.drainTimeout(), workDir);
            Duration elapsed = Duration.between(start, finished.lastFinishedAt());
            Duration serverUsed = server.cpuTime().minus(serverCpu);
            Duration ingestUsed = ingest.cpuTime().minus(ingestCpu);
            Duration machineUsed = CpuTime.ofMachine().minus(machineCpu);

            int expectedMessages = warm.accepted() + sent.accepted();
            ObjectNode figures = json.createObjectNode();
            figures.put("messagesPerSecond", round(sent.accepted() / seconds(elapsed)));
            figures.put("acknowledgedPerSecond", round(sent.accepted() / seconds(intake)));
            figures.put("seconds", round(seconds(elapsed)));
            figures.put("accepted", sent.accepted());
            figures.put("refused", sent.refused());
            figures.put("written", finished.written() - warm.accepted());
            figures.put("deadLettered", finished.deadLettered());
            figures.put("hapiServerCpuMillisPerMessage", round(serverUsed.toMillis() / (double) sent.accepted()));
            figures.put("ingestAdaptersCpuMillisPerMessage", round(ingestUsed.toMillis() / (double) sent.accepted()));
            figures.put("machineCpuMillisPerMessage", round(machineUsed.toMillis() / (double) sent.accepted()));
            figures.put("machineBusyShare", round(machineUsed.toMillis() / (seconds(elapsed) * 1000 * cores())));
            figures.put("hapiServerMaxRssMiB", serverRss.takeMaxKib() / 1024);
            figures.put("ingestAdaptersMaxRssMiB", ingestRss.takeMaxKib() / 1024);
            figures.set("inHapiServer", counted(server, expectedMessages, patients.size()));
            progress(
                    "[%d consumer(s)] %s",
                    consumers,
                    json.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(figures));
            return figures;
        } finally {
            databases.drop(fhirDatabase);
            databases.drop(ingestDatabase);
        }
    }

    private record Sent(int accepted, int refused) {}

    /** Sends over {@code options.senders()} connections at once; counts AA and anything else. */
    private Sent send(LabResultMessages messages, int count, int mllpPort, Set<String> patients) throws Exception {
        AtomicInteger remaining = new AtomicInteger(count);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(options.senders());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < options.senders(); i++) {
                running.add(senders.submit(() -> {
                    try (MllpSender sender = new MllpSender("127.0.0.1", mllpPort)) {
                        while (remaining.getAndDecrement() > 0) {
                            LabResultMessages.Message message;
                            synchronized (messages) {
                                message = messages.next();
                            }
                            if (sender.send(message.text()).contains("MSA|AA|")) {
                                accepted.incrementAndGet();
                                patients.add(message.nhsNumber());
                            } else {
                                refused.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> sender : running) {
                sender.get();
            }
        } finally {
            senders.shutdownNow();
        }
        return new Sent(accepted.get(), refused.get());
    }

    private record Finished(int written, int deadLettered, Instant lastFinishedAt) {}

    /** Waits until ingest-adapters has finished every accepted receipt: written or dead-lettered. */
    private Finished awaitFinished(String ingestDatabase, int accepted, Instant since, Duration timeout, Path logs)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection connection =
                DriverManager.getConnection(ingestDatabase, options.postgresUser(), options.postgresPassword())) {
            while (true) {
                Map<String, Integer> byStatus = new TreeMap<>();
                Instant last = since;
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery(
                                "SELECT status, count(*), max(finished_at) FROM receipt GROUP BY status")) {
                    while (rows.next()) {
                        byStatus.put(rows.getString(1), rows.getInt(2));
                        Timestamp finishedAt = rows.getTimestamp(3);
                        if (finishedAt != null && finishedAt.toInstant().isAfter(last)) {
                            last = finishedAt.toInstant();
                        }
                    }
                }
                int written = byStatus.getOrDefault("WRITTEN", 0);
                int dead = byStatus.getOrDefault("DEAD_LETTERED", 0);
                if (written + dead >= accepted) {
                    return new Finished(written, dead, last);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Receipts still unfinished after " + timeout.toSeconds() + " s: "
                            + byStatus + " of " + accepted + "; see the logs in " + logs);
                }
                Thread.sleep(250);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read ingest-adapters' receipts: " + e.getMessage(), e);
        }
    }

    /** Every resource the messages should have produced, counted in hapi-server, against expectation. */
    private ObjectNode counted(HapiServerProcess server, int messages, int patients) throws IOException {
        BackendServicesClient reader = server.client();
        FhirHttp fhir =
                new FhirHttp(server.fhirBase(), Duration.ofMinutes(1), Duration.ofMinutes(5), reader::accessToken);
        ObjectNode node = json.createObjectNode();
        int lost = 0;
        int duplicated = 0;
        Map<String, Integer> expected = Map.of(
                "Observation", messages * 6, "DiagnosticReport", messages, "Provenance", messages, "Patient", patients);
        for (Map.Entry<String, Integer> type : new TreeMap<>(expected).entrySet()) {
            FhirHttp.Response response = fhir.getNoCache("/" + type.getKey() + "?_summary=count");
            if (!response.ok()) {
                throw new IllegalStateException("Counting " + type.getKey() + " failed: " + response.status());
            }
            int actual = json.readTree(response.body()).path("total").asInt(-1);
            ObjectNode count = node.putObject(type.getKey());
            count.put("expected", type.getValue());
            count.put("found", actual);
            lost += Math.max(0, type.getValue() - actual);
            duplicated += Math.max(0, actual - type.getValue());
        }
        node.put("lost", lost);
        node.put("duplicated", duplicated);
        return node;
    }

    private ObjectNode targets(ObjectNode result) {
        ObjectNode targets = json.createObjectNode();
        JsonNode parse = result.path("parseAndMap").path("parseAndMap").path("messagesPerSecond");
        ObjectNode parseTarget = targets.putObject("parseAndMapPerCore");
        parseTarget.put("target", PARSE_MAP_TARGET_PER_CORE);
        if (parse.isNumber()) {
            parseTarget.put("measured", parse.asDouble());
            parseTarget.put("met", parse.asDouble() >= PARSE_MAP_TARGET_PER_CORE);
        }
        ObjectNode endToEnd = targets.putObject("endToEndMessagesPerSecond");
        endToEnd.put("target", END_TO_END_TARGET);
        double best = 0;
        boolean clean = true;
        ArrayNode ceilings = endToEnd.putArray("hapiServerCeilingFromItsCpuPerMessage");
        ArrayNode machineCeilings = endToEnd.putArray("machineCeilingFromItsCpuPerMessage");
        for (Map.Entry<String, JsonNode> level :
                result.path("endToEnd").path("byConsumers").properties()) {
            JsonNode figures = level.getValue();
            best = Math.max(best, figures.path("messagesPerSecond").asDouble());
            clean &= figures.path("inHapiServer").path("lost").asInt() == 0
                    && figures.path("inHapiServer").path("duplicated").asInt() == 0
                    && figures.path("deadLettered").asInt() == 0
                    && figures.path("refused").asInt() == 0;
            double serverMillis = figures.path("hapiServerCpuMillisPerMessage").asDouble();
            if (serverMillis > 0) {
                // If hapi-server had every core to itself, it could write at most this many messages a second.
                ceilings.add(round(cores() * 1000 / serverMillis));
            }
            double machineMillis = figures.path("machineCpuMillisPerMessage").asDouble();
            if (machineMillis > 0) {
                // With senders, ingest-adapters, the broker, hapi-server and PostgreSQL sharing the cores.
                machineCeilings.add(round(cores() * 1000 / machineMillis));
            }
        }
        endToEnd.put("measuredBest", round(best));
        endToEnd.put("zeroLossZeroDuplicates", clean);
        endToEnd.put("met", best >= END_TO_END_TARGET && clean);
        return targets;
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static double seconds(Duration duration) {
        return Math.max(duration.toMillis(), 1) / 1000.0;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void progress(String format, Object... args) {
        System.err.printf("[%tT] %s%n", Instant.now().atZone(ZoneOffset.UTC), String.format(format, args));
    }
}
