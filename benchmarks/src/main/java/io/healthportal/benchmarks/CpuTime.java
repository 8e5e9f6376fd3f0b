package io.healthportal.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time from Linux's {@code /proc}: less disturbed by other work on a shared machine than
 * wall-clock throughput. Zero where /proc is not available.
 */
final class CpuTime {

    /** USER_HZ, which Linux fixes at 100 on the architectures we run on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private CpuTime() {}

    /** What a process has used so far: user and system time of all its threads (work, JIT, GC). */
    static Duration ofProcess(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return ticks(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    /** Busy time of the whole machine so far, summed over its cores (everything but idle and iowait). */
    static Duration ofMachine() {
        try {
            String[] fields =
                    Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split(" +");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal ...
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return ticks(busy);
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    private static Duration ticks(long ticks) {
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }
}
