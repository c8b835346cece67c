package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The steps of a sequential orchestration, timed by the node's own history timestamps: step 1 runs from the first
 * activity's ScheduledTime to its TaskCompleted, step k from TaskCompleted k-1 to TaskCompleted k. The node takes a
 * completion's timestamp when it processes it, in the same episode that schedules the next call, so a step is one
 * whole cycle (schedule, commit, worker, result, replay or resume); the client's clock and HTTP are not in it.
 */
final class SequenceSteps {

    /** Boundaries: the first ScheduledTime, then every TaskCompleted timestamp, in history order. */
    private final Instant[] boundaries;

    private SequenceSteps(Instant[] boundaries) {
        this.boundaries = boundaries;
    }

    /** From {@code historyEvents} as GET status with {@code showHistory=true} renders them. */
    static SequenceSteps fromHistory(JsonNode historyEvents) {
        List<Instant> b = new ArrayList<>();
        for (JsonNode event : historyEvents) {
            if (!"TaskCompleted".equals(event.path("EventType").asText())) {
                continue;
            }
            if (b.isEmpty()) {
                b.add(Instant.parse(event.path("ScheduledTime").asText()));
            }
            b.add(Instant.parse(event.path("Timestamp").asText()));
        }
        return new SequenceSteps(b.toArray(Instant[]::new));
    }

    int steps() {
        return Math.max(0, boundaries.length - 1);
    }

    /** Mean time per step of steps {@code from}..{@code to} (1-based, inclusive), in ms. */
    double meanMs(int from, int to) {
        return millis(boundaries[from - 1], boundaries[to]) / (to - from + 1);
    }

    /** The durations of steps {@code from}..{@code to} (1-based, inclusive), in ms. */
    Latencies durations(int from, int to) {
        double[] d = new double[to - from + 1];
        for (int k = from; k <= to; k++) {
            d[k - from] = millis(boundaries[k - 1], boundaries[k]);
        }
        return Latencies.of(d);
    }

    private static double millis(Instant a, Instant b) {
        return Duration.between(a, b).toNanos() / 1e6;
    }

    @Override
    public String toString() {
        return Arrays.toString(boundaries);
    }
}
