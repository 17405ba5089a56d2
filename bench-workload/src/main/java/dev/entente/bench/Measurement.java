package dev.entente.bench;

import java.util.Arrays;

/**
 * What one closed-loop measurement came to: operations completed in the window, their rate and
 * latencies; {@code completed} also counts the warm-up's and those that ended after the window (what a
 * check of side effects, such as messages published, should find).
 */
public record Measurement(long operations, long errors, double seconds, double p50Micros, double p99Micros, String firstError,
                          long completed) {

    public double perSecond() {
        return operations / seconds;
    }

    /** The latency at {@code quantile} (0..1) of {@code sortedNanos}, in microseconds. */
    static double percentileMicros(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1000.0;
    }

    static Measurement of(long[] nanos, long errors, double seconds, String firstError, long completed) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Measurement(sorted.length, errors, seconds, percentileMicros(sorted, 0.50), percentileMicros(sorted, 0.99), firstError,
                completed);
    }
}
