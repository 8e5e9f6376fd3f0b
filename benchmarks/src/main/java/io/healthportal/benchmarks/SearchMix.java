package io.healthportal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The read and search mix: each client sends the six queries in turn (starting at a different one),
 * about patients picked at random from those loaded, with {@code Cache-Control: no-cache}, until the
 * duration has passed. Latency is measured from sending a request to having read its whole response.
 */
final class SearchMix {

    /** Guards the loop even if the clock misbehaves: no client sends more than this. */
    private static final int MAX_REQUESTS_PER_CLIENT = 5_000_000;

    /** Latencies in nanoseconds by query, sorted, and the failures seen. */
    record Result(
            int clients,
            long elapsedNanos,
            Map<SearchQuery, long[]> latencies,
            Map<SearchQuery, Integer> errors,
            String firstFailure) {

        long requests() {
            return latencies.values().stream().mapToLong(l -> l.length).sum()
                    + errors.values().stream().mapToLong(Integer::longValue).sum();
        }

        double requestsPerSecond() {
            return requests() / (elapsedNanos / 1e9);
        }

        /** Every successful request's latency, all queries together, sorted. */
        long[] allLatencies() {
            return latencies.values().stream()
                    .flatMapToLong(java.util.Arrays::stream)
                    .sorted()
                    .toArray();
        }
    }

    private final FhirHttp http;
    private final List<PatientSample> patients;
    private final LocalDate today;
    private final long seed;

    SearchMix(FhirHttp http, List<PatientSample> patients, LocalDate today, long seed) {
        if (patients.isEmpty()) {
            throw new IllegalArgumentException("The search mix needs loaded patients");
        }
        this.http = http;
        this.patients = List.copyOf(patients);
        this.today = today;
        this.seed = seed;
    }

    /**
     * Sends each query once about one loaded patient and returns how many entries each answered with
     * (1 for the read), so that a query that silently matches nothing is caught before it is timed.
     *
     * @throws IllegalStateException if a query fails or finds nothing
     */
    Map<SearchQuery, Integer> checkEveryQueryFindsSomething(ObjectMapper json) throws IOException {
        Map<SearchQuery, Integer> found = new EnumMap<>(SearchQuery.class);
        PatientSample patient = patients.get(0);
        Random random = new Random(seed);
        for (SearchQuery query : SearchQuery.values()) {
            String path = query.path(patient, today, random);
            FhirHttp.Response response = http.getNoCache(path);
            if (!response.ok()) {
                throw new IllegalStateException(path + " failed: " + IngestLoad.describe(response));
            }
            JsonNode body = json.readTree(response.body());
            int entries =
                    query == SearchQuery.READ_PATIENT ? 1 : body.path("entry").size();
            if (entries == 0) {
                throw new IllegalStateException(path + " found nothing: the mix would time an empty search");
            }
            found.put(query, entries);
        }
        return found;
    }

    Result run(int clients, Duration duration) throws InterruptedException {
        SearchQuery[] queries = SearchQuery.values();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<ClientLog>> futures = new ArrayList<>();
        long started = System.nanoTime();
        long deadline = started + duration.toNanos();
        try {
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    ClientLog log = new ClientLog();
                    Random random = new Random(seed * 31 + client);
                    for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && System.nanoTime() < deadline; i++) {
                        SearchQuery query = queries[(i + client) % queries.length];
                        PatientSample patient = patients.get(random.nextInt(patients.size()));
                        FhirHttp.Response response = http.getNoCache(query.path(patient, today, random));
                        if (response.ok()) {
                            log.latencies.get(query).add(response.nanos());
                        } else {
                            log.errors.merge(query, 1, Integer::sum);
                            if (log.firstFailure == null) {
                                log.firstFailure = query.label() + ": " + IngestLoad.describe(response);
                            }
                        }
                    }
                    return log;
                }));
            }
            ClientLog all = new ClientLog();
            for (Future<ClientLog> future : futures) {
                all.add(future.get());
            }
            long elapsed = System.nanoTime() - started;
            Map<SearchQuery, long[]> latencies = new EnumMap<>(SearchQuery.class);
            all.latencies.forEach((query, values) -> latencies.put(
                    query, values.stream().mapToLong(Long::longValue).sorted().toArray()));
            return new Result(clients, elapsed, latencies, Map.copyOf(all.errors), all.firstFailure);
        } catch (ExecutionException e) {
            throw new IllegalStateException("A search client failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One client's measurements; merged after the clients finish, so never shared while running. */
    private static final class ClientLog {
        final Map<SearchQuery, List<Long>> latencies = new EnumMap<>(SearchQuery.class);
        final Map<SearchQuery, Integer> errors = new EnumMap<>(SearchQuery.class);
        String firstFailure;

        ClientLog() {
            for (SearchQuery query : SearchQuery.values()) {
                latencies.put(query, new ArrayList<>());
            }
        }

        void add(ClientLog other) {
            other.latencies.forEach((query, values) -> latencies.get(query).addAll(values));
            other.errors.forEach((query, count) -> errors.merge(query, count, Integer::sum));
            if (firstFailure == null) {
                firstFailure = other.firstFailure;
            }
        }
    }
}
