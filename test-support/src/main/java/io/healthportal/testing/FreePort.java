package io.healthportal.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port that is free now, taken below Linux's ephemeral range (32768 and up) so that the
 * outgoing connections made while the server starts cannot be given it in the meantime.
 */
public final class FreePort {

    private static final int LOWEST = 20000;
    private static final int HIGHEST = 32000;

    private FreePort() {}

    public static int find() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
            try (ServerSocket ignored = new ServerSocket(candidate)) {
                return candidate;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("No free port between " + LOWEST + " and " + HIGHEST);
    }
}
