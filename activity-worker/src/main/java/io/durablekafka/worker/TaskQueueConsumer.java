package io.durablekafka.worker;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.worker.commit.OffsetTracker;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.worker.metrics.WorkerMetrics;
import io.durablekafka.worker.tracing.WorkerTracing;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of one task queue: receives activity requests, starts each on a virtual thread when the
 * worker has capacity, and commits offsets only behind work whose result the broker has acknowledged.
 * Everything that touches the {@link Consumer} runs on the loop's own thread.
 */
final class TaskQueueConsumer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskQueueConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Offsets are committed at most this often: a commit per poll would be a broker request per handful of
     * activities. After a crash, activities done since the last commit run again (they are at-least-once anyway).
     */
    private static final long COMMIT_SPACING_NANOS = Duration.ofMillis(200).toNanos();
    private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private final String queue;
    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final Semaphore permits;
    private final ActivityRunner runner;
    private final ResultPublisher publisher;
    private final WorkerTracing tracing;
    private final ActivityRequestDecoder decoder = new ActivityRequestDecoder();
    private final OffsetTracker tracker = new OffsetTracker();
    /** Requests received while the worker was at capacity, in arrival order; poll thread only. */
    private final Deque<Received> waiting = new ArrayDeque<>();
    private final ExecutorService activities;
    private final WorkerMetrics metrics;
    /** The consumer's own metrics (lag, fetch rates), bound for as long as the consumer lives. */
    private final KafkaClientMetrics consumerMetrics;
    /** The group gave this consumer an assignment (possibly empty) since it subscribed: it is serving. */
    private volatile boolean joined;
    /** The queue's topic was missing at the last look (the hub's nodes have not created it yet). */
    private volatile boolean topicMissing;
    private volatile Throwable failure;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile long deadlineNanos;
    private long lastCommitNanos = System.nanoTime();

    /** @param trace the task record's trace context (null: none) */
    private record Received(ActivityRequest request, TraceContext trace, OffsetTracker.Ticket ticket) {
    }

    TaskQueueConsumer(WorkerOptions options, String queue, Semaphore permits, ActivityRunner runner,
                      ResultPublisher publisher, WorkerMetrics metrics, WorkerTracing tracing) {
        this.tracing = tracing;
        this.queue = queue;
        this.metrics = metrics;
        this.topic = options.topics().tasks(queue);
        this.permits = permits;
        this.runner = runner;
        this.publisher = publisher;
        this.consumer = new KafkaConsumer<>(consumerConfig(options, queue), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.activities = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("dk-activity-" + queue + "-", 0).factory());
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(metrics.registry());
    }

    static Properties consumerConfig(WorkerOptions options, String queue) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        // Speculative dispatch: run requests before the orchestrator's transaction commits. Duplicates from
        // aborted transactions are fine, activities being at-least-once and results deduplicated by task ID.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.putAll(options.kafkaOverrides());
        // Commits must trail completed work, so they are ours alone.
        p.put(ConsumerConfig.GROUP_ID_CONFIG, options.topics().workerGroup(queue));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    String queue() {
        return queue;
    }

    /** Whether the consumer has joined its group and been given its partitions. */
    boolean joined() {
        return joined;
    }

    /** Why the poll loop ended on its own (Kafka refused the credentials), or null. */
    Throwable failure() {
        return failure;
    }

    /** True while the queue's topic does not exist yet (the consumer waits for a node to create it). */
    boolean waitingForTopic() {
        return topicMissing;
    }

    /** Ends the loop; activities still running get until {@code deadlineNanos} (System.nanoTime) to finish. */
    void stop(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
        stopping = true;
        stopRequested.countDown();
    }

    /** Releases the clients of a consumer whose loop never ran. */
    void closeUnstarted() {
        consumerMetrics.close();
        activities.shutdownNow();
        consumer.close(Duration.ZERO);
    }

    @Override
    public void run() {
        try {
            if (!awaitTopic()) {
                return;
            }
            consumer.subscribe(List.of(topic), new Rebalance());
            while (!stopping) {
                try {
                    pollOnce();
                } catch (InterruptedException e) {
                    LOG.warn("poll loop of task queue '{}' interrupted; stopping", queue);
                    stopping = true;
                } catch (AuthenticationException e) {
                    throw e;
                } catch (Exception e) {
                    LOG.error("poll loop of task queue '{}' failed; continuing", queue, e);
                    awaitStop(ERROR_BACKOFF);
                }
            }
            finishAndCommit();
        } catch (AuthenticationException e) {
            // Not retried: wrong credentials stay wrong. The loop ends, so the worker's liveness says why.
            failure = e;
            LOG.error("task queue '{}': Kafka refused the worker's credentials (dk.kafka.*): {}; stopping its poll"
                    + " loop", queue, e.getMessage());
        } catch (Exception e) {
            LOG.error("task queue '{}' did not shut down cleanly", queue, e);
        } finally {
            activities.shutdownNow();
            joined = false;
            consumerMetrics.close();
            try {
                consumer.close(CLOSE_TIMEOUT);
            } catch (Exception e) {
                LOG.warn("closing the consumer of task queue '{}' failed", queue, e);
            }
            LOG.info("stopped consuming task queue '{}'", queue);
        }
    }

    private void pollOnce() throws InterruptedException {
        startWaiting();
        ConsumerRecords<byte[], byte[]> records;
        if (waiting.isEmpty()) {
            if (!consumer.paused().isEmpty()) {
                consumer.resume(consumer.paused());
            }
            records = consumer.poll(POLL_TIMEOUT);
        } else {
            // At capacity: fetch nothing more, but keep calling poll so that the group keeps us, and start the
            // next request as soon as a permit frees rather than after a full poll timeout.
            consumer.pause(consumer.assignment());
            if (permits.tryAcquire(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                start(waiting.poll());
            }
            records = consumer.poll(Duration.ZERO);
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            accept(record);
        }
        startWaiting();
        commitAsync();
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        OffsetTracker.Ticket ticket = tracker.open(new TopicPartition(record.topic(), record.partition()),
                record.offset());
        try {
            waiting.add(new Received(decoder.decode(record.value()), TraceHeaders.read(record.headers()), ticket));
        } catch (UnreadableRecordException e) {
            deadLetter(record, e.getMessage(), ticket);
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, OffsetTracker.Ticket ticket) {
        LOG.warn("dead-lettering record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
        // Sent from the poll thread so that dead letters keep the order of their source partition; only the
        // wait for the acknowledgement happens elsewhere.
        var sent = publisher.deadLetter(record, reason);
        metrics.deadLettered();
        activities.execute(() -> {
            try {
                sent.get();
            } catch (Exception e) {
                // Holding the offset open would stall every later commit of the partition for one bad record.
                LOG.error("could not dead-letter record {}-{}@{} ({}); skipping it", record.topic(),
                        record.partition(), record.offset(), reason, e);
            }
            ticket.done();
        });
    }

    private void startWaiting() {
        while (!waiting.isEmpty() && permits.tryAcquire()) {
            start(waiting.poll());
        }
    }

    /** Runs {@code received} on a virtual thread; the caller holds a permit, which the activity returns. */
    private void start(Received received) {
        try {
            activities.execute(() -> runActivity(received));
        } catch (RejectedExecutionException e) {
            permits.release();
            throw e;
        }
    }

    private void runActivity(Received received) {
        ActivityRequest request = received.request();
        try {
            long startNanos = System.nanoTime();
            // The runner catches what the activity throws, so the span ends on this thread.
            WorkerTracing.ActivitySpan span = tracing.start(request, received.trace());
            OrchestrationMessage result = runner.run(request, queue);
            TraceContext trace = span.context(received.trace());
            span.end(result);
            metrics.activityRan(request.name(), result instanceof CompleteTask ? WorkerMetrics.Outcome.completed
                    : WorkerMetrics.Outcome.failed, System.nanoTime() - startNanos);
            if (Thread.interrupted() && stopping) {
                LOG.info("activity '{}' (task {} of {}) abandoned at shutdown; it will run again", request.name(),
                        request.taskId(), request.instanceId());
                return;
            }
            if (publisher.deliver(request, result, trace, received.ticket()::isCurrent)) {
                received.ticket().done();
            }
        } catch (InterruptedException e) {
            LOG.info("result of task {} of {} not sent at shutdown; the activity will run again", request.taskId(),
                    request.instanceId());
        } catch (RuntimeException e) {
            // The offset stays open, so the request runs again after a restart or rebalance.
            LOG.error("result of activity '{}' (task {} of {}) could not be sent", request.name(), request.taskId(),
                    request.instanceId(), e);
        } finally {
            permits.release();
        }
    }

    private void commitAsync() {
        long now = System.nanoTime();
        if (now - lastCommitNanos < COMMIT_SPACING_NANOS) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.advancedPositions();
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, e) -> {
                if (e != null) {
                    LOG.warn("commit of task queue '{}' failed, will retry: {}", queue, e.toString());
                    tracker.commitFailed(offsets);
                }
            });
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            LOG.warn("commit of task queue '{}' failed; uncommitted requests will run again: {}", queue, e.toString());
        }
    }

    private void finishAndCommit() throws InterruptedException {
        // Requests that never started stay open in the tracker, so the final commit stops before them.
        waiting.clear();
        activities.shutdown();
        long remaining = deadlineNanos - System.nanoTime();
        if (!activities.awaitTermination(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
            LOG.warn("activities of task queue '{}' still running at the shutdown deadline; they will run again",
                    queue);
            activities.shutdownNow();
        }
        commitSync(tracker.positions(null));
    }

    /**
     * Waits until the queue's topic exists (the hub's first node creates the topics): a consumer subscribed to a
     * missing topic would warn about it on every metadata refresh. Returns false if the worker stops first.
     */
    private boolean awaitTopic() {
        boolean announced = false;
        while (!stopping) {
            try {
                if (consumer.listTopics(TOPIC_CHECK_TIMEOUT).containsKey(topic)) {
                    topicMissing = false;
                    if (announced) {
                        LOG.info("task queue '{}': topic {} exists now", queue, topic);
                    }
                    return true;
                }
                topicMissing = true;
            } catch (AuthenticationException e) {
                throw e;
            } catch (KafkaException e) {
                // Kafka not reachable (yet): the client's own warnings say so; keep waiting.
                LOG.debug("task queue '{}': cannot list topics: {}", queue, e.toString());
            }
            if (!announced) {
                LOG.info("task queue '{}': waiting for topic {} (a node creates the topics of the task hub)", queue,
                        topic);
                announced = true;
            }
            awaitStop(ERROR_BACKOFF);
        }
        return false;
    }

    private void awaitStop(Duration timeout) {
        try {
            stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            LOG.info("task queue '{}': partitions revoked {}", queue, partitions);
            dropWaiting(partitions);
            commitSync(tracker.positions(partitions));
            // Activities of these partitions may still finish and report: harmless duplicates for the new owner.
            tracker.forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            LOG.warn("task queue '{}': partitions lost {}", queue, partitions);
            dropWaiting(partitions);
            tracker.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined = true;
            if (!partitions.isEmpty()) {
                LOG.info("task queue '{}': partitions assigned {}", queue, partitions);
            }
        }

        private void dropWaiting(Collection<TopicPartition> partitions) {
            waiting.removeIf(r -> partitions.contains(r.ticket().partition()));
        }
    }
}
