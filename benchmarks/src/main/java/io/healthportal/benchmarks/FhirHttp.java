package io.healthportal.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** The few HTTP calls the benchmark makes to hapi-server's FHIR API, each timed. */
final class FhirHttp {

    private static final String FHIR_JSON = "application/fhir+json";

    /** A response, or status -1 when the request failed without one (timeout, connection lost). */
    record Response(int status, byte[] body, long nanos, String failure) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final String base;
    private final Duration transactionTimeout;
    private final Duration searchTimeout;
    private final Supplier<String> accessToken;

    FhirHttp(String base, Duration transactionTimeout, Duration searchTimeout, Supplier<String> accessToken) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.base = base;
        this.transactionTimeout = transactionTimeout;
        this.searchTimeout = searchTimeout;
        this.accessToken = accessToken;
    }

    Response postTransaction(byte[] bundleJson) {
        return send(HttpRequest.newBuilder(URI.create(base))
                .timeout(transactionTimeout)
                .header("Content-Type", FHIR_JSON)
                .header("Accept", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bundleJson)));
    }

    /** A read or search that must not be answered from a cached search result. */
    Response getNoCache(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(searchTimeout)
                .header("Accept", FHIR_JSON)
                .header("Cache-Control", "no-cache")
                .GET());
    }

    private Response send(HttpRequest.Builder request) {
        // Fetched before timing starts: a token is reused for minutes, as any client does.
        request.header("Authorization", "Bearer " + accessToken.get());
        long started = System.nanoTime();
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.body(), System.nanoTime() - started, null);
        } catch (IOException e) {
            return new Response(-1, new byte[0], System.nanoTime() - started, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, new byte[0], System.nanoTime() - started, "interrupted");
        }
    }
}
