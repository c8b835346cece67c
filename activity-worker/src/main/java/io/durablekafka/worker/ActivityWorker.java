package io.durablekafka.worker;

import io.durablekafka.sdk.FunctionRegistry;
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
    private final List<TaskQueueConsumer> consumers = new ArrayList<>();
    private final List<Thread> pollThreads = new ArrayList<>();
    private ResultPublisher publisher;
    private State state = State.NEW;

    public ActivityWorker(WorkerOptions options, FunctionRegistry registry) {
        this.options = Objects.requireNonNull(options, "options");
        this.registry = Objects.requireNonNull(registry, "registry");
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
            for (String queue : options.taskQueues()) {
                if (registry.activityNames().stream().noneMatch(a -> registry.taskQueueOf(a).equals(queue))) {
                    LOG.warn("task queue '{}' has no registered activity; its requests will fail with ActivityNotFound",
                            queue);
                }
                consumers.add(new TaskQueueConsumer(options, queue, permits, runner, publisher));
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
        LOG.info("activity worker of task hub '{}' serving {} with concurrency {}", options.topics().taskHub(),
                options.taskQueues(), options.concurrency());
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
