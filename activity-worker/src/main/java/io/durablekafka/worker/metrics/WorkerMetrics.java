package io.durablekafka.worker.metrics;

import io.durablekafka.common.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.durablekafka.common.observability.LatencyBuckets;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The worker's own meters: how long activities run and how they end, per activity name, and dead letters.
 * Kafka's consumer metrics (lag among them) are bound per consumer by the poll loops.
 */
public final class WorkerMetrics {

    /** How an activity run ended; the tag value of {@code outcome}. */
    public enum Outcome {
        /** Returned a value: a CompleteTask was reported. */
        completed,
        /** Threw, or is not registered: a FailTask was reported. */
        failed
    }

    /** Activity names not registered with this worker share one tag value, so a stray name cannot add series. */
    static final String UNREGISTERED = "(unregistered)";

    private final MeterRegistry meters;
    private final Set<String> knownActivities;
    private final ConcurrentMap<String, Timer[]> timers = new ConcurrentHashMap<>();
    private final Function<String, Timer[]> newTimers = this::newTimers;
    private final Counter deadLetters;

    public WorkerMetrics(MeterRegistry meters, Set<String> activityNames) {
        this.meters = meters;
        this.knownActivities = Set.copyOf(activityNames);
        this.deadLetters = Counter.builder(MetricNames.DEAD_LETTERS).tag(MetricNames.ROLE, "worker")
                .description("Records written to the dead-letter topic").register(meters);
    }

    public MeterRegistry registry() {
        return meters;
    }

    /** An activity ran for {@code nanos} and ended as {@code outcome}. */
    public void activityRan(String activity, Outcome outcome, long nanos) {
        String tag = activity != null && knownActivities.contains(activity) ? activity : UNREGISTERED;
        Timer[] byOutcome = timers.get(tag);
        if (byOutcome == null) {
            byOutcome = timers.computeIfAbsent(tag, newTimers);
        }
        byOutcome[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    public void deadLettered() {
        deadLetters.increment();
    }

    private Timer[] newTimers(String activity) {
        Outcome[] outcomes = Outcome.values();
        Timer[] t = new Timer[outcomes.length];
        for (Outcome o : outcomes) {
            t[o.ordinal()] = LatencyBuckets.apply(Timer.builder("dk.activity.duration")
                    .description("Time an activity function ran, by activity name and outcome")
                    .tag("activity", activity).tag("outcome", o.name()))
                    .register(meters);
        }
        return t;
    }
}
