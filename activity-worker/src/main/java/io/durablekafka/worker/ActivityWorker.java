package io.durablekafka.worker;

import io.durablekafka.common.observability.HealthChecks;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.worker.metrics.WorkerMetrics;
import io.durablekafka.worker.tracing.WorkerTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves task queues: one consumer and poll thread ({@code dk-worker-<queue>}) per queue, activities on virtual
 * threads, at most {@link WorkerOptions#concurrency()} running at once over all queues, results reported to the
 * orchestrations topic. Activities run at least once; offsets are committed only behind acknowledged results.
 */
public final class ActivityWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActivityWorker.class);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Beyond the shutdown timeout, for the final commit and leaving the group. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);

    private enum State { NEW, STARTED, CLOSED }

    private final WorkerOptions options;
    private final FunctionRegistry registry;
    private final Observability observability;
    private final List<TaskQueueConsumer> consumers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> pollThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private AutoCloseable healthRegistration;
    private ResultPublisher publisher;
    private volatile State state = State.NEW;

    public ActivityWorker(WorkerOptions options, FunctionRegistry registry) {
        this(options, registry, Observability.detached());
    }

    /** A worker that reports its meters and health checks to the process's {@code observability}. */
    public ActivityWorker(WorkerOptions options, FunctionRegistry registry, Observability observability) {
        this.options = Objects.requireNonNull(options, "options");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.observability = Objects.requireNonNull(observability, "observability");
    }

    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("worker already " + state.name().toLowerCase());
        }
        state = State.STARTED;
        try {
            publisher = new ResultPublisher(options);
            Semaphore permits = new Semaphore(options.concurrency());
            ActivityRunner runner = new ActivityRunner(registry);
            WorkerMetrics metrics = new WorkerMetrics(observability.registry(), registry.activityNames());
            WorkerTracing tracing = WorkerTracing.of(observability.openTelemetry(), observability.tracingEnabled());
            for (String queue : options.taskQueues()) {
                if (registry.activityNames().stream().noneMatch(a -> registry.taskQueueOf(a).equals(queue))) {
                    LOG.warn("task queue '{}' has no registered activity; its requests will fail with ActivityNotFound",
                            queue);
                }
                consumers.add(new TaskQueueConsumer(options, queue, permits, runner, publisher, metrics, tracing));
            }
        } catch (RuntimeException e) {
            consumers.forEach(TaskQueueConsumer::closeUnstarted);
            consumers.clear();
            close(Duration.ZERO);
            throw e;
        }
        for (TaskQueueConsumer consumer : consumers) {
            Thread thread = Thread.ofPlatform().name("dk-worker-" + consumer.queue()).start(consumer);
            pollThreads.add(thread);
        }
        healthRegistration = observability.health().register("worker", this::liveness, this::readiness);
        LOG.info("activity worker of task hub '{}' serving {} with concurrency {}", options.topics().taskHub(),
                options.taskQueues(), options.concurrency());
    }

    /** Live while every poll loop runs (a loop ends only at close, or when its queue's consumer broke). */
    private HealthChecks.Check liveness() {
        if (state != State.STARTED) {
            return HealthChecks.Check.OK; // stopping on purpose is not a dead loop
        }
        List<String> dead = new ArrayList<>();
        for (Thread t : pollThreads) {
            if (!t.isAlive()) {
                dead.add(t.getName());
            }
        }
        for (TaskQueueConsumer c : consumers) {
            if (c.failure() != null) {
                return HealthChecks.Check.failing("poll loops ended: " + dead + "; task queue '" + c.queue()
                        + "': " + c.failure().getMessage());
            }
        }
        return dead.isEmpty() ? HealthChecks.Check.OK : HealthChecks.Check.failing("poll loops ended: " + dead);
    }

    /** Ready when every task queue's consumer has joined its group and holds its assignment. */
    private HealthChecks.Check readiness() {
        if (state != State.STARTED) {
            return HealthChecks.Check.failing("the worker is " + state.name().toLowerCase());
        }
        List<String> noTopic = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (TaskQueueConsumer c : consumers) {
            if (c.waitingForTopic()) {
                noTopic.add(c.queue());
            } else if (!c.joined()) {
                waiting.add(c.queue());
            }
        }
        List<String> reasons = new ArrayList<>();
        if (!noTopic.isEmpty()) {
            reasons.add("task queues waiting for their topic (a node creates the hub's topics): " + noTopic);
        }
        if (!waiting.isEmpty()) {
            reasons.add("task queues without a group assignment yet: " + waiting);
        }
        return reasons.isEmpty() ? HealthChecks.Check.OK : HealthChecks.Check.failing(String.join("; ", reasons));
    }

    /** Stops as {@link #close(Duration)} does, giving running activities {@link #DEFAULT_SHUTDOWN_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_SHUTDOWN_TIMEOUT);
    }

    /**
     * Stops polling, lets running activities finish and report for up to {@code timeout} (the rest are
     * interrupted and left uncommitted, so they run again), commits what is done and closes the clients.
     */
    public synchronized void close(Duration timeout) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (healthRegistration != null) {
            try {
                healthRegistration.close();
            } catch (Exception e) {
                LOG.debug("removing the health checks failed", e);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        consumers.forEach(c -> c.stop(deadline));
        long joinUntil = deadline + CLOSE_MARGIN.toNanos();
        for (Thread thread : pollThreads) {
            try {
                long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinUntil - System.nanoTime()));
                thread.join(remaining);
                if (thread.isAlive()) {
                    LOG.warn("{} did not stop in time", thread.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (publisher != null) {
            publisher.close(CLOSE_MARGIN);
        }
        LOG.info("activity worker of task hub '{}' closed", options.topics().taskHub());
    }
}
