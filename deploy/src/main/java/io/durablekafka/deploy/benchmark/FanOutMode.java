package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Mode fan-out: {@code FanOutFanIn} with N activities in parallel, run R times one after the other after a
 * warm-up; each run's figure is activities/s = N / (start request to completed answer, client clock).
 */
final class FanOutMode {

    private static final Duration DEADLINE = Duration.ofMinutes(30);

    private FanOutMode() {
    }

    static void run(BenchmarkOptions options, Target target) throws Exception {
        GatewayClient gateway = target.gateway();
        int width = options.width();
        int repeat = options.repeat();
        int warmup = options.warmup();
        String runId = Long.toString(System.currentTimeMillis(), 36);
        if (warmup > 0) {
            System.out.printf("warm-up: %d FanOutFanIn of %,d activities%n", warmup, width);
            for (int i = 0; i < warmup; i++) {
                runOne(gateway, "bench-fan-" + runId + "-warm-" + i, width);
            }
        }
        System.out.printf("running FanOutFanIn of %,d activities %d times, one after the other, started over HTTP%n",
                width, repeat);
        double[] rates = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            double seconds = runOne(gateway, "bench-fan-" + runId + "-" + i, width);
            rates[i] = width / seconds;
            System.out.printf("  run %d: %,d activities in %.2f s: %,.0f activities/s%n", i + 1, width, seconds, rates[i]);
        }
        Latencies r = Latencies.of(rates);
        System.out.printf("fan-out of %,d: median %,.0f activities/s (min %,.0f, max %,.0f, mean %,.0f) over %d runs"
                        + " (activities / start request to completed answer)%n",
                width, r.percentile(50), r.percentile(0), r.max(), r.mean(), repeat);
    }

    /** Runs one FanOutFanIn of {@code width}, checks its sum, returns seconds from start to completed. */
    private static double runOne(GatewayClient gateway, String id, int width) throws Exception {
        long begin = System.nanoTime();
        long end;
        try (Progress ignored = Progress.start("activities", width, gateway.completedTasksOf(id),
                ThroughputMode.PROGRESS_AFTER)) {
            end = gateway.startAndAwaitEnd("FanOutFanIn", id, Integer.toString(width), DEADLINE);
        }
        JsonNode status = gateway.status(id);
        long expected = (long) width * (width + 1) * (2L * width + 1) / 6;
        if (status == null || !"Completed".equals(status.path("runtimeStatus").asText())
                || status.path("output").asLong() != expected) {
            throw new IllegalStateException("FanOutFanIn " + id + " did not complete with " + expected + ": " + status);
        }
        return (end - begin) / 1e9;
    }
}
