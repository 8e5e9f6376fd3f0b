package io.healthportal.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** Waits for a service a test started as a child process to answer its readiness probe. */
public final class Readiness {

    private Readiness() {}

    /**
     * Polls {@code readyz} until it answers 200; false when {@code timeout} passes first.
     *
     * @throws IllegalStateException if the process exits meanwhile (the message names its log)
     */
    public static boolean await(Process process, String name, URI readyz, Duration timeout, Object log) {
        return await(process, name, readyz, timeout, log, HttpClient.newHttpClient());
    }

    /** As above, probing with {@code http}: one that trusts the service's certificate, for an https probe. */
    public static boolean await(
            Process process, String name, URI readyz, Duration timeout, Object log, HttpClient http) {
        HttpRequest probe = HttpRequest.newBuilder(readyz).build();
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return true;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                Thread.sleep(500);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
