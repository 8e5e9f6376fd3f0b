package io.healthportal.ingest.poller;

import io.healthportal.ingest.config.PollerProperties;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One run's HTTP session with a partner: its own cookie store (the portal's session cookie lives only as
 * long as the run), redirects followed, and the API credentials on every request when configured.
 */
final class PartnerHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final PollerProperties settings;

    /** A page as fetched: where the redirects ended, its status and its bytes. */
    record Fetched(URI uri, int status, byte[] body, String contentType) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    PartnerHttp(PollerProperties settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(TIMEOUT)
                .build();
    }

    Fetched get(URI uri) throws PollFailure {
        return send(request(uri).GET().build());
    }

    Fetched postForm(URI uri, Map<String, String> fields) throws PollFailure {
        String form = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(request(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        if (settings.api() != null
                && settings.bearerToken() != null
                && !settings.bearerToken().isBlank()) {
            builder.header("Authorization", "Bearer " + settings.bearerToken());
        } else if (settings.api() != null
                && settings.username() != null
                && !settings.username().isBlank()) {
            String pair = settings.username() + ":" + (settings.password() == null ? "" : settings.password());
            builder.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    private Fetched send(HttpRequest request) throws PollFailure {
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Fetched(
                    response.uri(),
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new PollFailure(
                    "INGEST-POLL-UNREACHABLE",
                    "the partner did not answer " + request.method() + " "
                            + request.uri().getPath() + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PollFailure("INGEST-POLL-INTERRUPTED", "the run was interrupted");
        }
    }
}
