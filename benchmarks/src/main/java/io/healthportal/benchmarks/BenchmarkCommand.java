package io.healthportal.benchmarks;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthportal.demo.DemoDataGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./benchmark}: loads generated patients into hapi-server and runs a timed read and search mix,
 * once with the portal's storage settings and once with stock HAPI's, each on a fresh PostgreSQL
 * database, and prints the figures as JSON on stdout. Progress goes to stderr.
 */
public final class BenchmarkCommand {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SEARCH_TIMEOUT = Duration.ofMinutes(1);
    /** The server counts as quiet when it used under a tenth of one core over one second. */
    private static final Duration QUIET_SAMPLE = Duration.ofSeconds(1);

    private static final double QUIET_CORES = 0.1;

    private final BenchmarkOptions options;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final LocalDate today = LocalDate.now(LONDON);
    private final DemoDataGenerator generator;
    private final Path outputDirectory;

    private BenchmarkCommand(BenchmarkOptions options, Path outputDirectory) {
        this.options = options;
        this.generator = new DemoDataGenerator(options.seed(), today);
        this.outputDirectory = outputDirectory;
    }

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.println(BenchmarkOptions.USAGE);
            return;
        }
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        if (!Files.isRegularFile(options.serverJar())) {
            System.err.println("No hapi-server jar at " + options.serverJar() + ": build it first (./benchmark does).");
            System.exit(2);
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
                .format(Instant.now().atOffset(ZoneOffset.UTC));
        Path outputDirectory = options.outputDirectory().resolve(stamp);
        Files.createDirectories(outputDirectory);
        new BenchmarkCommand(options, outputDirectory)
                .run("portal_bench_" + stamp + "_" + ProcessHandle.current().pid());
    }

    private void run(String databasePrefix) throws Exception {
        Instant started = Instant.now();
        String loadAtStart = loadAverage();
        progress(
                "Benchmark %s: %d run(s) of %s; %d patients x %d resources per client count %s; warm-up %d s, mix %d s per client count; output in %s",
                options.quick() ? "(quick)" : "(full)",
                options.runs(),
                options.configurations(),
                options.patientsPerLevel(),
                options.resourcesPerPatient(),
                options.clientLevels(),
                options.warmup().toSeconds(),
                options.mixDuration().toSeconds(),
                outputDirectory);
        List<Measurement> measurements = new ArrayList<>();
        try (PostgresDatabases databases = new PostgresDatabases(
                options.postgresUrl(), options.postgresUser(), options.postgresPassword(), databasePrefix)) {
            for (int run = 1; run <= options.runs(); run++) {
                // Alternate the order so that drift on a shared machine does not favour one configuration.
                List<String> order = new ArrayList<>(options.configurations());
                if (run % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (String configuration : order) {
                    measurements.add(measure(databases, configuration, run));
                }
            }
        }
        BenchmarkReport report = new BenchmarkReport(json, options, measurements);
        ObjectNode result = json.createObjectNode();
        result.put("benchmark", "hapi-server ingest and read/search mix: portal settings against stock HAPI");
        result.put("startedAt", started.toString());
        result.put("finishedAt", Instant.now().toString());
        result.put("quick", options.quick());
        result.set("machine", machine(loadAtStart));
        result.set("workload", workload());
        ObjectNode configurations = report.configurations();
        result.set("configurations", configurations);
        result.set("targets", report.targets(configurations));
        String text = json.writeValueAsString(result);
        Path file = outputDirectory.resolve("result.json");
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        progress(
                "Done in %d s; JSON also in %s",
                Duration.between(started, Instant.now()).toSeconds(), file);
        System.out.println(text);
    }

    private Measurement measure(PostgresDatabases databases, String configuration, int run) throws Exception {
        Path workDir = outputDirectory.resolve(configuration + "-run" + run);
        String databaseUrl = databases.create(configuration + "_run" + run);
        progress(
                "[run %d, %s] starting hapi-server (-Xmx%s) on a fresh database; log %s",
                run, configuration, options.serverHeap(), workDir.resolve("hapi-server.log"));
        try (HapiServerProcess server = HapiServerProcess.start(
                        options.serverJar(),
                        options.serverHeap(),
                        options.serverArguments(),
                        configuration,
                        databaseUrl,
                        databases.user(),
                        databases.password(),
                        workDir);
                RssSampler rss = new RssSampler(server.pid())) {
            Duration startup = server.awaitReady(options.serverStartTimeout());
            JsonNode settings = server.settingsDifferingFromStock(json);
            progress(
                    "[run %d, %s] ready in %d s; %d settings differ from stock HAPI",
                    run, configuration, startup.toSeconds(), settings.size());
            FhirHttp http =
                    new FhirHttp(server.fhirBase(), TRANSACTION_TIMEOUT, SEARCH_TIMEOUT, server.client()::accessToken);
            IngestLoad ingest = new IngestLoad(http, json);
            ingest.loadOnce(encode(generator.sharedResources()), "Loading the shared resources");
            awaitQuiet(server);

            Map<Integer, IngestLoad.Result> ingests = new LinkedHashMap<>();
            Map<Integer, Duration> ingestCpu = new LinkedHashMap<>();
            Map<Integer, Duration> ingestBackground = new LinkedHashMap<>();
            List<PatientSample> patients = new ArrayList<>();
            rss.takeMaxKib();
            for (int level = 0; level < options.clientLevels().size(); level++) {
                int clients = options.clientLevels().get(level);
                List<PatientBundle> bundles = generator
                        .patientBundles(
                                level * options.patientsPerLevel(),
                                options.patientsPerLevel(),
                                options.resourcesPerPatient())
                        .map(PatientBundle::encode)
                        .toList();
                Duration cpuBefore = server.cpuTime();
                IngestLoad.Result result = ingest.run(bundles, clients);
                ingestBackground.put(clients, awaitQuiet(server));
                ingestCpu.put(clients, server.cpuTime().minus(cpuBefore));
                ingests.put(clients, result);
                patients.addAll(result.patients());
                progress(
                        "[run %d, %s] ingest, %d client(s): %d resources in %.1f s = %.0f resources/s,"
                                + " then %.0f s of background work; server CPU %.2f ms/resource%s",
                        run,
                        configuration,
                        clients,
                        result.resources(),
                        result.elapsedNanos() / 1e9,
                        result.resourcesPerSecond(),
                        ingestBackground.get(clients).toMillis() / 1000.0,
                        ingestCpu.get(clients).toMillis() / (double) Math.max(1, result.resources()),
                        result.failedBundles() == 0
                                ? ""
                                : "; " + result.failedBundles() + " bundles FAILED: " + result.firstFailure());
            }
            long ingestRss = rss.takeMaxKib();

            SearchMix mix = new SearchMix(http, patients, today, options.seed() + run);
            Map<SearchQuery, Integer> found = mix.checkEveryQueryFindsSomething(json);
            progress(
                    "[run %d, %s] warm-up: the mix with %d clients for %d s, untimed",
                    run, configuration, options.maxClients(), options.warmup().toSeconds());
            if (!options.warmup().isZero()) {
                mix.run(options.maxClients(), options.warmup());
            }
            Map<Integer, SearchMix.Result> mixes = new LinkedHashMap<>();
            Map<Integer, Duration> mixCpu = new LinkedHashMap<>();
            for (int clients : options.clientLevels()) {
                Duration cpuBefore = server.cpuTime();
                SearchMix.Result result = mix.run(clients, options.mixDuration());
                mixCpu.put(clients, server.cpuTime().minus(cpuBefore));
                mixes.put(clients, result);
                progress(
                        "[run %d, %s] mix, %d client(s): %.1f searches/s, p95 %.1f ms, server CPU %.1f ms/search%s",
                        run,
                        configuration,
                        clients,
                        result.requestsPerSecond(),
                        Spread.percentileMillis(result.allLatencies(), 95),
                        mixCpu.get(clients).toMillis() / (double) Math.max(1, result.requests()),
                        result.errors().isEmpty() ? "" : "; ERRORS " + result.errors() + ": " + result.firstFailure());
            }
            long mixRss = rss.takeMaxKib();
            progress(
                    "[run %d, %s] server RSS max: %d MiB loading, %d MiB searching",
                    run, configuration, ingestRss / 1024, mixRss / 1024);
            return new Measurement(
                    configuration,
                    run,
                    settings,
                    startup,
                    ingests,
                    ingestCpu,
                    ingestBackground,
                    found,
                    mixes,
                    mixCpu,
                    ingestRss,
                    mixRss);
        } finally {
            databases.drop(databaseUrl);
            deleteRecursively(workDir.resolve("data"));
        }
    }

    /**
     * Waits until the server has been nearly idle for one second: writes leave work behind the last
     * response (audit records, full-text index merges), which belongs to the ingest and must not be
     * counted against the searches after it. Returns how long that took.
     */
    private static Duration awaitQuiet(HapiServerProcess server) throws InterruptedException {
        long start = System.nanoTime();
        Duration limit = Duration.ofMinutes(10);
        while (Duration.ofNanos(System.nanoTime() - start).compareTo(limit) < 0) {
            Duration before = server.cpuTime();
            Thread.sleep(QUIET_SAMPLE.toMillis());
            Duration used = server.cpuTime().minus(before);
            if (used.toMillis() < QUIET_SAMPLE.toMillis() * QUIET_CORES) {
                break;
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static byte[] encode(org.hl7.fhir.r4.model.Bundle bundle) {
        return FhirContext.forR4Cached()
                .newJsonParser()
                .encodeResourceToString(bundle)
                .getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode machine(String loadAtStart) {
        ObjectNode machine = json.createObjectNode();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryTotal", meminfo("MemTotal"));
        machine.put("loadAverageAtStart", loadAtStart);
        machine.put("loadAverageAtEnd", loadAverage());
        machine.put(
                "note",
                "The benchmark client, hapi-server and PostgreSQL share this machine's cores; anything else"
                        + " running on it adds noise. Compare configurations only within one invocation.");
        return machine;
    }

    private ObjectNode workload() {
        ObjectNode workload = json.createObjectNode();
        workload.put("runs", options.runs());
        workload.put("summary", "median of the runs, with min, max and each run's value");
        workload.put("patientsPerClientLevel", options.patientsPerLevel());
        workload.put("resourcesPerPatient", options.resourcesPerPatient());
        workload.putPOJO("clientLevels", options.clientLevels());
        workload.put(
                "ingest",
                "one transaction per patient (conditional create of the Patient, conditional references to"
                        + " Practitioners), disjoint patients per client count, after the shared resources");
        workload.put("warmupSeconds", options.warmup().toSeconds());
        workload.put("mixSecondsPerClientLevel", options.mixDuration().toSeconds());
        workload.putPOJO(
                "searchQueries",
                Stream.of(SearchQuery.values()).map(SearchQuery::label).toList());
        workload.put("searchRequestHeader", "Cache-Control: no-cache");
        workload.put("serverHeap", "-Xmx" + options.serverHeap());
        workload.put("postgres", options.postgresUrl() + " (a fresh database per configuration per run)");
        workload.put("dataDate", today.toString());
        workload.put("seed", options.seed());
        return workload;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String meminfo(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith(field + ":"))
                    .map(line -> line.substring(field.length() + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void progress(String format, Object... args) {
        System.err.printf(
                "%s %s%n",
                DateTimeFormatter.ISO_LOCAL_TIME.format(
                        java.time.LocalTime.now().withNano(0)),
                String.format(format, args));
    }
}
