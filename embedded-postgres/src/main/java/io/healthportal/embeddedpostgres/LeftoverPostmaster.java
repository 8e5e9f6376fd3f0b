package io.healthportal.embeddedpostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A postmaster whose JVM was killed keeps running and holds its data directory; the next start would
 * fail on the lock. It is asked to shut down (SIGTERM, PostgreSQL's smart shutdown, which completes
 * at once because its only client died) and waited for.
 */
public final class LeftoverPostmaster {

    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

    private LeftoverPostmaster() {}

    public static void stopIfRunning(Path clusterDir) throws IOException {
        Optional<ProcessHandle> postmaster = runningPostmaster(clusterDir);
        if (postmaster.isEmpty()) {
            return;
        }
        ProcessHandle process = postmaster.get();
        log.warn("Stopping PostgreSQL (pid {}) left over from an earlier run on {}", process.pid(), clusterDir);
        process.destroy();
        try {
            process.onExit().get(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping the left-over PostgreSQL", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(
                    "The left-over PostgreSQL (pid " + process.pid() + ") on " + clusterDir + " did not stop within "
                            + SHUTDOWN_WAIT.toSeconds() + " s; stop it by hand",
                    e);
        }
    }

    /** The postmaster running on {@code clusterDir}, if one is. */
    public static Optional<ProcessHandle> runningPostmaster(Path clusterDir) throws IOException {
        Path pidFile = clusterDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2 || !lines.get(0).strip().matches("\\d+")) {
            return Optional.empty();
        }
        long pid = Long.parseLong(lines.get(0).strip());
        // PostgreSQL writes the data directory on the second line; a recycled pid belongs to someone else.
        Path recordedDir = Path.of(lines.get(1).strip());
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                .filter(p -> sameDirectory(recordedDir, clusterDir));
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
