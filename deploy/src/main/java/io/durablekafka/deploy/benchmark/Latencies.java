package io.durablekafka.deploy.benchmark;

import java.util.Arrays;
import java.util.Collection;

/** Durations in milliseconds, sorted, with nearest-rank percentiles. */
final class Latencies {

    private final double[] sortedMs;

    private Latencies(double[] sortedMs) {
        this.sortedMs = sortedMs;
    }

    static Latencies of(Collection<Double> ms) {
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new Latencies(sorted);
    }

    static Latencies of(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return new Latencies(sorted);
    }

    int count() {
        return sortedMs.length;
    }

    /** Nearest rank: the smallest value with at least p% of the values at or below it; NaN when empty. */
    double percentile(double p) {
        if (sortedMs.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sortedMs.length) - 1;
        return sortedMs[Math.max(0, Math.min(sortedMs.length - 1, i))];
    }

    double max() {
        return percentile(100);
    }

    double mean() {
        return sortedMs.length == 0 ? Double.NaN : Arrays.stream(sortedMs).sum() / sortedMs.length;
    }
}
