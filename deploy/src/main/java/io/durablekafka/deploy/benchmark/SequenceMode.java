package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Mode sequence: one {@code Sequence} orchestration calling an activity N times, one after the other. What it
 * shows is whether a step costs more as the history grows: the time per step over the first and the last 100
 * steps ({@link SequenceSteps}) and their ratio.
 */
final class SequenceMode {

    static final double TARGET_RATIO = 1.5;
    private static final int WINDOW = 100;
    private static final Duration DEADLINE = Duration.ofHours(1);

    private SequenceMode() {
    }

    static void run(BenchmarkOptions options, Target target) throws Exception {
        GatewayClient gateway = target.gateway();
        int length = options.length();
        int warmup = options.warmup();
        String runId = Long.toString(System.currentTimeMillis(), 36);
        if (warmup > 0) {
            System.out.printf("warm-up: one Sequence of %,d steps%n", warmup);
            runOne(gateway, "bench-seq-" + runId + "-warm", warmup);
        }
        System.out.printf("running one Sequence orchestration of %,d activity calls in sequence, started over HTTP%n", length);
        String id = "bench-seq-" + runId;
        double seconds = runOne(gateway, id, length);
        SequenceSteps steps = SequenceSteps.fromHistory(historyWithAllSteps(gateway, id, length));
        int window = Math.min(WINDOW, length / 2);
        double first = steps.meanMs(1, window);
        double last = steps.meanMs(length - window + 1, length);
        Latencies firstSteps = steps.durations(1, window);
        Latencies lastSteps = steps.durations(length - window + 1, length);
        System.out.printf("completed: %,d steps in %.2f s, %.1f steps/s, %.2f ms per step on average"
                + " (start request to completed answer, client clock)%n", length, seconds, length / seconds, seconds * 1000 / length);
        System.out.println("time per step, from the node's history timestamps (GET status with showHistory):"
                + " step 1 from its ScheduledTime, step k from TaskCompleted k-1 to TaskCompleted k");
        System.out.printf("  first %d steps: %.2f ms per step (p50 %.2f ms, max %.2f ms)%n", window, first,
                firstSteps.percentile(50), firstSteps.max());
        System.out.printf("  last %d steps:  %.2f ms per step (p50 %.2f ms, max %.2f ms)%n", window, last,
                lastSteps.percentile(50), lastSteps.max());
        System.out.printf("  ratio last/first: %.2f (target <= %.1f)%n", last / first, TARGET_RATIO);
    }

    /** Runs one Sequence of {@code length} steps, checks its output, returns seconds from start to completed. */
    private static double runOne(GatewayClient gateway, String id, int length) throws Exception {
        long begin = System.nanoTime();
        long end;
        try (Progress ignored = Progress.start("steps", length, gateway.completedTasksOf(id), ThroughputMode.PROGRESS_AFTER)) {
            end = gateway.startAndAwaitEnd("Sequence", id, Integer.toString(length), DEADLINE);
        }
        JsonNode status = gateway.status(id);
        long expected = (long) length * (length + 1) * (2L * length + 1) / 6;
        if (status == null || !"Completed".equals(status.path("runtimeStatus").asText())
                || status.path("output").asLong() != expected) {
            throw new IllegalStateException("Sequence " + id + " did not complete with " + expected + ": " + status);
        }
        return (end - begin) / 1e9;
    }

    /** The history, once the gateway's view holds every step (it may trail the completed status briefly). */
    private static JsonNode historyWithAllSteps(GatewayClient gateway, String id, int length) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode history = gateway.history(id);
            int steps = SequenceSteps.fromHistory(history).steps();
            if (steps == length) {
                return history;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the history of " + id + " shows " + steps + " completed activities, not " + length);
            }
            Thread.sleep(100);
        }
    }
}
