package io.durablekafka.node.topology;

import io.durablekafka.common.messages.EntityMessage;
import io.durablekafka.common.messages.EntityWorkAnswer;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.topics.DeadLetters;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.entities.EntityEngine;
import io.durablekafka.node.instance.EngineSettings;
import io.durablekafka.node.instance.OrchestrationEngine;
import io.durablekafka.node.metrics.NodeMetrics;
import io.durablekafka.node.store.NodeStore;
import io.durablekafka.node.tracing.NodeTracing;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the node for one stream task (one partition of {@code orchestrations}): decodes input records,
 * hands orchestration messages to the {@link OrchestrationEngine} and entity messages to the {@link EntityEngine},
 * fires what the due-time index says is due, drains entity queues, and writes what came out through the
 * {@link StepWriter}. A record it cannot use goes to the dead-letter topic; nothing a record contains can stop the
 * stream thread.
 */
final class NodeProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(NodeProcessor.class);
    private static final int DUE_BATCH = 500;

    private final FunctionRegistry registry;
    private final EngineSettings settings;
    private final CommitPacer pacer;
    private final Clock clock;
    private final NodeMetrics metrics;
    private final NodeTracing tracing;
    private NodeMetrics.Tracking liveExecutionsTracking;
    private ProcessorContext<String, Object> context;
    private NodeStore store;
    private StepWriter writer;
    private OrchestrationEngine orchestrations;
    private EntityEngine entities;
    /** Fires what the due-time index holds when its earliest item falls due. */
    private Wakeup dueWakeup;
    /** Drains entity queues when their batches fall due. */
    private Wakeup entityWakeup;
    /** Retries an early commit the pacer put off. */
    private Wakeup commitWakeup;

    NodeProcessor(FunctionRegistry registry, EngineSettings settings, CommitPacer pacer, Clock clock,
                  NodeMetrics metrics, NodeTracing tracing) {
        this.metrics = metrics;
        this.tracing = tracing;
        this.registry = registry;
        this.settings = settings;
        this.pacer = pacer;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = new NodeStore(context.getStateStore(TopicNames.NODE_STATE_STORE));
        this.writer = new StepWriter(context, store);
        this.orchestrations = new OrchestrationEngine(registry, settings, store);
        this.entities = new EntityEngine(registry, store, writer::send, clock, settings.sdkWorkers(),
                settings.sdkWorkTimeout(), writer::issueEntityWork);
        entities.init();
        liveExecutionsTracking = metrics.trackLiveExecutions(orchestrations::liveExecutions);
        // Nothing runs periodically: each wake-up is set for when there is work (see Wakeup).
        this.dueWakeup = new Wakeup(context, this::fireDue);
        this.entityWakeup = new Wakeup(context, this::drainEntities);
        this.commitWakeup = new Wakeup(context, this::maybeCommit);
        store.onDue(due -> dueWakeup.at(due.toEpochMilli(), clock.millis()));
        store.firstDue().ifPresent(due -> dueWakeup.at(due.toEpochMilli(), clock.millis()));
        scheduleEntityDrain();
    }

    /** The step's time, in the store's precision, so that replay sees exactly the instants the live run saw. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long startNanos = System.nanoTime();
        try {
            processTimed(record);
        } finally {
            metrics.stepTook(System.nanoTime() - startNanos);
        }
    }

    private void processTimed(Record<String, byte[]> record) {
        long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
        pacer.observeRecord(record.timestamp(), clock.millis());
        OrchestrationMessage message;
        try {
            message = MessageDecoder.decode(record.key(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, "invalid record: " + e.getMessage());
            return;
        }
        try {
            String rejection;
            if (message instanceof EntityMessage m) {
                rejection = entities.onMessage(m, offset, record.value());
                if (rejection == null && m.awaited()) {
                    // An orchestration waits for calls and lock messages: run them now. Signals wait a little, so
                    // that many of them run as one batch.
                    entities.drain(m.instanceId());
                }
                scheduleEntityDrain();
            } else if (message instanceof EntityWorkAnswer answer) {
                rejection = entities.onWorkAnswer(answer);
                scheduleEntityDrain();
            } else if (EntityInstanceId.isEntityId(message.instanceId())) {
                rejection = "'" + message.instanceId() + "' is an entity ID (@name@key); " + MessageHeaders.typeOf(message)
                        + " is for orchestration instances, whose IDs must not start with '@'";
            } else {
                InstanceState before = store.instance(message.instanceId());
                Instant now = now();
                message = tracing.beforeStep(before, message, TraceHeaders.read(record.headers()), now);
                var outcome = orchestrations.onMessage(before, message, offset, now);
                writer.write(outcome.step());
                metrics.onStep(before, outcome.step());
                tracing.afterStep(before, outcome.step(), store);
                rejection = outcome.rejection();
            }
            if (rejection != null) {
                deadLetter(record, rejection);
            }
        } catch (KafkaException e) {
            throw e; // the transaction's trouble (fenced, migrated): Kafka Streams handles it
        } catch (RuntimeException e) {
            LOG.error("failed to process {} for instance '{}'", message.getClass().getSimpleName(), message.instanceId(), e);
            deadLetter(record, "processing failed: " + e);
        }
        maybeCommit();
    }

    private void drainEntities() {
        try {
            entities.drainDue(clock.millis());
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("failed to run entity operations", e);
        }
        scheduleEntityDrain();
        maybeCommit();
    }

    private void scheduleEntityDrain() {
        entities.nextDrainMillis().ifPresent(at -> entityWakeup.at(at, clock.millis()));
    }

    /** Fires due timers and moves due scheduled signals into their entities' queues. */
    private void fireDue() {
        List<DueItem> due;
        do {
            Instant now = now();
            due = store.takeDue(now, DUE_BATCH);
            for (DueItem item : due) {
                try {
                    switch (item) {
                        case DueItem.Timer t when EntityInstanceId.isEntityId(t.instanceId()) ->
                                entities.workTimerFired(t);
                        case DueItem.Timer t -> {
                            InstanceState before = store.instance(t.instanceId());
                            tracing.beforeTimer(before, t, now);
                            var step = orchestrations.onTimer(before, t, now);
                            writer.write(step);
                            metrics.onStep(before, step);
                            tracing.afterStep(before, step, store);
                        }
                        case DueItem.ScheduledSignal s -> entities.signalDue(s);
                    }
                } catch (KafkaException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.error("failed to fire {}", item, e);
                }
            }
        } while (due.size() == DUE_BATCH);
        store.firstDue().ifPresent(next -> dueWakeup.at(next.toEpochMilli(), clock.millis()));
        scheduleEntityDrain();
        maybeCommit();
    }

    /** Commits early when something waits for this transaction, as often as the pacer allows. */
    private void maybeCommit() {
        if (writer.takeCommitWanted()) {
            if (pacer.tryCommit()) {
                commitWakeup.cancel();
                context.commit();
            } else {
                writer.wantCommit(); // asked again at the next record, or when the pacer allows
                commitWakeup.at(clock.millis() + pacer.millisUntilAllowed(), clock.millis());
            }
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason) {
        LOG.warn("dead-lettering record for key '{}': {}", record.key(), reason);
        metrics.deadLettered();
        var meta = context.recordMetadata();
        var headers = DeadLetters.headers(record.headers(), reason, meta.map(m -> m.topic()).orElse(null),
                meta.map(m -> m.partition()).orElse(-1), meta.map(m -> m.offset()).orElse(-1L));
        context.forward(new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers),
                NodeTopology.DEAD_LETTER_SINK);
    }

    @Override
    public void close() {
        if (liveExecutionsTracking != null) {
            liveExecutionsTracking.close();
        }
        if (orchestrations != null) {
            orchestrations.close();
        }
    }
}
