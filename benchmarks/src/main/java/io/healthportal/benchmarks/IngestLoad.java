package io.healthportal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts pre-encoded patient transactions with a fixed number of concurrent clients, each taking the
 * next bundle until none are left, and times the whole load. A transaction that fails with a 409 or
 * a 5xx is retried (it is atomic, so nothing of it was stored) up to {@link #MAX_ATTEMPTS} times.
 */
final class IngestLoad {

    static final int MAX_ATTEMPTS = 3;

    /**
     * @param resources resources stored by transactions that succeeded
     * @param failedBundles transactions that still failed after every attempt
     * @param firstFailure the first failure's status and the start of its body, or null
     */
    record Result(
            int clients,
            int bundles,
            long resources,
            long elapsedNanos,
            int failedBundles,
            int retries,
            String firstFailure,
            List<PatientSample> patients) {

        double resourcesPerSecond() {
            return resources / (elapsedNanos / 1e9);
        }
    }

    private final FhirHttp http;
    private final ObjectMapper json;

    IngestLoad(FhirHttp http, ObjectMapper json) {
        this.http = http;
        this.json = json;
    }

    /** Loads one transaction (e.g. the shared resources) and fails if the server refuses it. */
    void loadOnce(byte[] transaction, String what) {
        FhirHttp.Response response = http.postTransaction(transaction);
        if (!response.ok()) {
            throw new IllegalStateException(what + " failed: " + describe(response));
        }
    }

    Result run(List<PatientBundle> bundles, int clients) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        List<PatientSample> patients = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        long[] stored = new long[clients];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                workers.add(pool.submit(() -> {
                    // Bounded by the number of bundles: each index is taken once.
                    for (int i = next.getAndIncrement(); i < bundles.size(); i = next.getAndIncrement()) {
                        PatientBundle bundle = bundles.get(i);
                        FhirHttp.Response response = post(bundle, retries);
                        if (response.ok()) {
                            stored[client] += bundle.resources();
                            patients.add(sample(bundle, response));
                        } else {
                            failed.incrementAndGet();
                            failures.add(describe(response));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("An ingest client failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        long elapsed = System.nanoTime() - started;
        long resources = 0;
        for (long s : stored) {
            resources += s;
        }
        return new Result(
                clients,
                bundles.size(),
                resources,
                elapsed,
                failed.get(),
                retries.get(),
                failures.isEmpty() ? null : failures.get(0),
                List.copyOf(patients));
    }

    private FhirHttp.Response post(PatientBundle bundle, AtomicInteger retries) throws InterruptedException {
        FhirHttp.Response response = http.postTransaction(bundle.json());
        for (int attempt = 2; attempt <= MAX_ATTEMPTS && retryable(response); attempt++) {
            retries.incrementAndGet();
            Thread.sleep(500L * attempt);
            response = http.postTransaction(bundle.json());
        }
        return response;
    }

    private static boolean retryable(FhirHttp.Response response) {
        return response.status() == 409 || response.status() >= 500 || response.status() == -1;
    }

    private PatientSample sample(PatientBundle bundle, FhirHttp.Response response) {
        try {
            JsonNode location = json.readTree(response.body())
                    .path("entry")
                    .path(bundle.patientEntry())
                    .path("response")
                    .path("location");
            // "Patient/123/_history/1"
            String[] parts = location.asText().split("/");
            if (parts.length < 2 || !parts[0].equals("Patient")) {
                throw new IllegalStateException("Unexpected Patient location in a transaction response: " + location);
            }
            return new PatientSample(parts[1], bundle.family(), bundle.observationCodes());
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable transaction response", e);
        }
    }

    static String describe(FhirHttp.Response response) {
        if (response.status() == -1) {
            return "no response: " + response.failure();
        }
        String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        return "HTTP " + response.status() + ": " + body.substring(0, Math.min(400, body.length()));
    }
}
