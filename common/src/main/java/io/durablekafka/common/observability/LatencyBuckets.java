package io.durablekafka.common.observability;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The histogram buckets of every latency the roles record. A fixed, short list rather than Micrometer's percentile
 * histogram (some 70 buckets a series): the series multiply by route, status and activity name, and these bounds
 * are enough to read p50/p99 with {@code histogram_quantile}.
 */
public final class LatencyBuckets {

    private static final Duration[] BOUNDS = {
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60)};

    private LatencyBuckets() {
    }

    /** {@code builder} with the buckets from 250 µs to 60 s (and +Inf). */
    public static Timer.Builder apply(Timer.Builder builder) {
        return builder.serviceLevelObjectives(BOUNDS);
    }
}
