package io.healthportal.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a process's resident set size ({@code VmRSS} in {@code /proc/<pid>/status}) twice a second
 * and keeps the largest value seen since the last {@link #takeMaxKib()}.
 */
final class RssSampler implements AutoCloseable {

    private static final long INTERVAL_MILLIS = 500;

    private final Path status;
    private final AtomicLong maxKib = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    RssSampler(long pid) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
        this.thread = new Thread(this::sample, "rss-sampler-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    /** The largest RSS in KiB since the previous call (0 if /proc is not readable), and starts over. */
    long takeMaxKib() {
        sampleOnce();
        return maxKib.getAndSet(0);
    }

    private void sample() {
        while (running) {
            sampleOnce();
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sampleOnce() {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    maxKib.accumulateAndGet(kib, Math::max);
                    return;
                }
            }
        } catch (IOException | NumberFormatException processGoneOrNoProc) {
            // keep the maximum seen so far
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
