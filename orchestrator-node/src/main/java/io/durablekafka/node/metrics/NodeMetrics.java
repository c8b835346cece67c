package io.durablekafka.node.metrics;

import io.durablekafka.common.observability.MetricNames;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.node.instance.StepResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.durablekafka.common.observability.LatencyBuckets;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The node's own meters. The stream threads call it once per step, after the step is written: it reads the
 * step's before and after records and counts what moved, so the processors stay free of metrics logic.
 *
 * <p>Counters count steps as processed. A step whose transaction aborts (fencing, a crash before the commit) is
 * processed again and counted again: rare, and the reason these are not exactly-once like the state.
 */
public final class NodeMetrics {

    /** Orchestration names not registered on this node share one tag value, so a stray name cannot add series. */
    static final String UNREGISTERED = "(unregistered)";

    private final MeterRegistry meters;
    private final Set<String> knownNames;
    private final ConcurrentMap<String, PerName> byName = new ConcurrentHashMap<>();
    private final Function<String, PerName> newPerName = this::newPerName;
    private final Timer stepTimer;
    private final Counter deadLetters;
    private final CopyOnWriteArrayList<IntSupplier> liveExecutionSources = new CopyOnWriteArrayList<>();

    /** Ends a {@link #trackLiveExecutions} (the stream task closed). */
    public interface Tracking extends AutoCloseable {
        @Override
        void close();
    }

    /** The counters of one orchestration name, created at its first use and kept. */
    private record PerName(Counter started, Counter completed, Counter failed, Counter terminated) {
    }

    public NodeMetrics(MeterRegistry meters, Set<String> orchestrationNames) {
        this.meters = meters;
        this.knownNames = Set.copyOf(orchestrationNames);
        this.stepTimer = LatencyBuckets.apply(Timer.builder("dk.node.step.duration")
                .description("Time the node spent on one input record of orchestrations (decode, step, writes)"))
                .register(meters);
        this.deadLetters = Counter.builder(MetricNames.DEAD_LETTERS).tag(MetricNames.ROLE, "node")
                .description("Records written to the dead-letter topic").register(meters);
        Gauge.builder("dk.node.instances.in.flight", this, NodeMetrics::liveExecutions)
                .description("Orchestration executions live in this node's execution caches: started or resumed on"
                        + " this node, not ended, not evicted")
                .register(meters);
    }

    /** Meters nobody reads: for nodes built without a registry (tests, embedding). */
    public static NodeMetrics detached(Set<String> orchestrationNames) {
        return new NodeMetrics(new SimpleMeterRegistry(), orchestrationNames);
    }

    /** One input record took {@code nanos}. */
    public void stepTook(long nanos) {
        stepTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void deadLettered() {
        deadLetters.increment();
    }

    /**
     * An instance step was written. Started: a new execution from a start (the instance did not exist or had
     * ended), not a continue-as-new or a rewind. Completed, failed, terminated: the step ended the instance.
     */
    public void onStep(InstanceState before, StepResult step) {
        InstanceState after = step.after();
        if (after == null || !step.stateChanged()) {
            return;
        }
        boolean started = (before == null || before.status().isTerminal())
                && (before == null || !Objects.equals(before.executionId(), after.executionId()));
        if (!started && !step.ended()) {
            return;
        }
        PerName counters = countersOf(after.name());
        if (started) {
            counters.started().increment();
        }
        if (step.ended()) {
            RuntimeStatus status = after.status();
            switch (status) {
                case Completed -> counters.completed().increment();
                case Failed -> counters.failed().increment();
                case Terminated, Canceled -> counters.terminated().increment();
                default -> {
                }
            }
        }
    }

    /** Adds a stream task's count of live executions to the in-flight gauge until the handle is closed. */
    public Tracking trackLiveExecutions(IntSupplier source) {
        liveExecutionSources.add(source);
        return () -> liveExecutionSources.remove(source);
    }

    private double liveExecutions() {
        long sum = 0;
        for (IntSupplier s : liveExecutionSources) {
            sum += s.getAsInt();
        }
        return sum;
    }

    private PerName countersOf(String name) {
        String tag = name != null && knownNames.contains(name) ? name : UNREGISTERED;
        PerName p = byName.get(tag);
        return p != null ? p : byName.computeIfAbsent(tag, newPerName);
    }

    private PerName newPerName(String name) {
        return new PerName(counter("dk.orchestrations.started", "Orchestration executions started from a start"
                        + " message", name),
                counter("dk.orchestrations.completed", "Orchestrations that completed", name),
                counter("dk.orchestrations.failed", "Orchestrations that failed", name),
                counter("dk.orchestrations.terminated", "Orchestrations that were terminated", name));
    }

    private Counter counter(String meter, String description, String name) {
        return Counter.builder(meter).tag("name", name).description(description).register(meters);
    }
}
