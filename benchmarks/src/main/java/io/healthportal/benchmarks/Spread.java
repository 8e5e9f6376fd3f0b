package io.healthportal.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One figure over several runs: the median, the smallest and largest, and each run's value. */
record Spread(double median, double min, double max, List<Double> runs) {

    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("No values");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(median, sorted.get(0), sorted.get(n - 1), List.copyOf(values));
    }

    /**
     * The nearest-rank percentile of sorted nanosecond latencies, in milliseconds; NaN when there are
     * none.
     */
    static double percentileMillis(long[] sortedNanos, double percentile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }
}
