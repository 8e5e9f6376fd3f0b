package io.healthportal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The JSON the benchmark prints: per configuration and client count, the median of the runs with
 * their spread, the settings each configuration differs from stock HAPI in, and the targets
 * as ratios of the portal's medians to stock's from the same invocation.
 */
final class BenchmarkReport {

    static final String PORTAL = "portal";
    static final String STOCK = "hapi-stock";

    /** 1.5 GB, as bytes (10^9), in the KiB /proc reports: the stricter reading of "1.5 GB". */
    static final double RSS_LIMIT_MIB = 1.5e9 / (1024 * 1024);

    static final double INGEST_RATIO_REQUIRED = 3.0;
    static final double MIX_P95_RATIO_REQUIRED = 0.5;
    static final double READ_P50_RATIO_REQUIRED = 2.0 / 3.0;
    static final int MIX_P95_TARGET_CLIENTS = 4;

    private final ObjectMapper json;
    private final BenchmarkOptions options;
    private final List<Measurement> measurements;

    BenchmarkReport(ObjectMapper json, BenchmarkOptions options, List<Measurement> measurements) {
        this.json = json;
        this.options = options;
        this.measurements = List.copyOf(measurements);
    }

    ObjectNode configurations() {
        ObjectNode configurations = json.createObjectNode();
        for (String configuration : options.configurations()) {
            List<Measurement> runs = runsOf(configuration);
            if (runs.isEmpty()) {
                continue;
            }
            ObjectNode node = configurations.putObject(configuration);
            node.set("settingsDifferingFromStock", runs.get(0).settingsDifferingFromStock());
            node.put(
                    "settingsIdenticalInEveryRun",
                    runs.stream()
                            .allMatch(m -> m.settingsDifferingFromStock()
                                    .equals(runs.get(0).settingsDifferingFromStock())));
            node.set("serverStartSeconds", spread(runs, m -> m.serverStart().toMillis() / 1000.0));
            ObjectNode ingest = node.putObject("ingest");
            for (int clients : options.clientLevels()) {
                ObjectNode level = ingest.putObject(Integer.toString(clients));
                level.set(
                        "resourcesPerSecond",
                        spread(runs, m -> m.ingest().get(clients).resourcesPerSecond()));
                level.set("seconds", spread(runs, m -> m.ingest().get(clients).elapsedNanos() / 1e9));
                level.set(
                        "backgroundSecondsAfterLastResponse",
                        spread(runs, m -> m.ingestBackground().get(clients).toMillis() / 1000.0));
                level.set(
                        "serverCpuMsPerResource",
                        spread(
                                runs,
                                m -> m.ingestServerCpu().get(clients).toMillis()
                                        / (double) Math.max(
                                                1, m.ingest().get(clients).resources())));
                level.put("resourcesPerRun", runs.get(0).ingest().get(clients).resources());
                level.put("bundlesPerRun", runs.get(0).ingest().get(clients).bundles());
                level.put(
                        "failedBundles",
                        runs.stream()
                                .mapToInt(m -> m.ingest().get(clients).failedBundles())
                                .sum());
                level.put(
                        "retries",
                        runs.stream()
                                .mapToInt(m -> m.ingest().get(clients).retries())
                                .sum());
                runs.stream()
                        .map(m -> m.ingest().get(clients).firstFailure())
                        .filter(f -> f != null)
                        .findFirst()
                        .ifPresent(f -> level.put("firstFailure", f));
            }
            ObjectNode found = node.putObject("entriesFoundForOnePatient");
            runs.get(0).entriesFoundForOnePatient().forEach((query, entries) -> found.put(query.label(), entries));
            ObjectNode search = node.putObject("search");
            for (int clients : options.clientLevels()) {
                ObjectNode level = search.putObject(Integer.toString(clients));
                level.set(
                        "searchesPerSecond",
                        spread(runs, m -> m.mix().get(clients).requestsPerSecond()));
                level.set(
                        "serverCpuMsPerSearch",
                        spread(
                                runs,
                                m -> m.mixServerCpu().get(clients).toMillis()
                                        / (double)
                                                Math.max(1, m.mix().get(clients).requests())));
                level.set("mixP50Ms", spread(runs, m -> p(m.mix().get(clients).allLatencies(), 50)));
                level.set("mixP95Ms", spread(runs, m -> p(m.mix().get(clients).allLatencies(), 95)));
                level.set("mixP99Ms", spread(runs, m -> p(m.mix().get(clients).allLatencies(), 99)));
                level.put(
                        "requests",
                        runs.stream()
                                .mapToLong(m -> m.mix().get(clients).requests())
                                .sum());
                level.put(
                        "errors",
                        runs.stream()
                                .mapToLong(m -> m.mix().get(clients).errors().values().stream()
                                        .mapToLong(Integer::longValue)
                                        .sum())
                                .sum());
                runs.stream()
                        .map(m -> m.mix().get(clients).firstFailure())
                        .filter(f -> f != null)
                        .findFirst()
                        .ifPresent(f -> level.put("firstFailure", f));
                ObjectNode queries = level.putObject("queries");
                for (SearchQuery query : SearchQuery.values()) {
                    ObjectNode q = queries.putObject(query.label());
                    q.set(
                            "p50Ms",
                            spread(runs, m -> p(m.mix().get(clients).latencies().get(query), 50)));
                    q.set(
                            "p95Ms",
                            spread(runs, m -> p(m.mix().get(clients).latencies().get(query), 95)));
                    q.set(
                            "p99Ms",
                            spread(runs, m -> p(m.mix().get(clients).latencies().get(query), 99)));
                    q.put(
                            "count",
                            runs.stream()
                                    .mapToLong(m ->
                                            m.mix().get(clients).latencies().get(query).length)
                                    .sum());
                }
            }
            ObjectNode rss = node.putObject("serverRssMaxMiB");
            rss.set("duringIngest", spread(runs, m -> m.ingestRssMaxKib() / 1024.0));
            rss.set("duringSearch", spread(runs, m -> m.mixRssMaxKib() / 1024.0));
            rss.set("underLoad", spread(runs, m -> Math.max(m.ingestRssMaxKib(), m.mixRssMaxKib()) / 1024.0));
            node.put("serverHeap", "-Xmx" + options.serverHeap());
        }
        return configurations;
    }

    /** The targets, each as the portal's median over stock's median from this invocation. */
    ArrayNode targets(ObjectNode configurations) {
        ArrayNode targets = json.createArrayNode();
        JsonNode portal = configurations.path(PORTAL);
        JsonNode stock = configurations.path(STOCK);
        if (portal.isMissingNode() || stock.isMissingNode()) {
            return targets;
        }
        for (int clients : options.clientLevels()) {
            String c = Integer.toString(clients);
            ratioTarget(
                    targets,
                    "ingest resources/s >= 3x stock",
                    clients,
                    median(portal, "ingest", c, "resourcesPerSecond"),
                    median(stock, "ingest", c, "resourcesPerSecond"),
                    ">= 3.0",
                    ratio -> ratio >= INGEST_RATIO_REQUIRED);
        }
        if (options.clientLevels().contains(MIX_P95_TARGET_CLIENTS)) {
            String c = Integer.toString(MIX_P95_TARGET_CLIENTS);
            ratioTarget(
                    targets,
                    "search-mix p95 <= 1/2 of stock's",
                    MIX_P95_TARGET_CLIENTS,
                    median(portal, "search", c, "mixP95Ms"),
                    median(stock, "search", c, "mixP95Ms"),
                    "<= 0.5",
                    ratio -> ratio <= MIX_P95_RATIO_REQUIRED);
        }
        for (int clients : options.clientLevels()) {
            String c = Integer.toString(clients);
            ratioTarget(
                    targets,
                    "Patient read p50 <= 2/3 of stock's",
                    clients,
                    portal.path("search")
                            .path(c)
                            .path("queries")
                            .path(SearchQuery.READ_PATIENT.label())
                            .path("p50Ms")
                            .path("median")
                            .asDouble(Double.NaN),
                    stock.path("search")
                            .path(c)
                            .path("queries")
                            .path(SearchQuery.READ_PATIENT.label())
                            .path("p50Ms")
                            .path("median")
                            .asDouble(Double.NaN),
                    "<= 0.667",
                    ratio -> ratio <= READ_P50_RATIO_REQUIRED);
        }
        double rssMiB =
                portal.path("serverRssMaxMiB").path("underLoad").path("max").asDouble(Double.NaN);
        ObjectNode rss = targets.addObject();
        rss.put("target", "portal server RSS under load <= 1.5 GB (largest of any run, ingest or search)");
        rss.put("portalMiB", round(rssMiB));
        rss.put("limitMiB", round(RSS_LIMIT_MIB));
        rss.put("serverHeap", "-Xmx" + options.serverHeap());
        rss.put("met", rssMiB <= RSS_LIMIT_MIB);
        return targets;
    }

    private void ratioTarget(
            ArrayNode targets,
            String name,
            int clients,
            double portal,
            double stock,
            String required,
            java.util.function.DoublePredicate met) {
        double ratio = portal / stock;
        ObjectNode target = targets.addObject();
        target.put("target", name);
        target.put("clients", clients);
        target.put("portal", round(portal));
        target.put("stock", round(stock));
        target.put("ratio", round(ratio));
        target.put("required", required);
        target.put("met", !Double.isNaN(ratio) && met.test(ratio));
    }

    private static double median(JsonNode configuration, String section, String clients, String figure) {
        return configuration
                .path(section)
                .path(clients)
                .path(figure)
                .path("median")
                .asDouble(Double.NaN);
    }

    private List<Measurement> runsOf(String configuration) {
        List<Measurement> runs = new ArrayList<>();
        for (Measurement m : measurements) {
            if (m.configuration().equals(configuration)) {
                runs.add(m);
            }
        }
        return runs;
    }

    private ObjectNode spread(List<Measurement> runs, ToDoubleFunction<Measurement> figure) {
        Spread spread =
                Spread.of(runs.stream().map(m -> figure.applyAsDouble(m)).toList());
        ObjectNode node = json.createObjectNode();
        node.put("median", round(spread.median()));
        node.put("min", round(spread.min()));
        node.put("max", round(spread.max()));
        ArrayNode each = node.putArray("runs");
        spread.runs().forEach(v -> each.add(round(v)));
        return node;
    }

    private static double p(long[] sortedNanos, double percentile) {
        return Spread.percentileMillis(sortedNanos, percentile);
    }

    private static double round(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? value : Math.round(value * 100) / 100.0;
    }
}
