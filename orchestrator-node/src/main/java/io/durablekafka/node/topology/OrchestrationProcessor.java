package io.durablekafka.node.topology;

import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.topics.DeadLetters;
import io.durablekafka.node.engine.EngineOutputs;
import io.durablekafka.node.engine.EngineSettings;
import io.durablekafka.node.engine.OrchestrationEngine;
import io.durablekafka.node.entities.EntityEngine;
import io.durablekafka.node.entities.EntityQueueStore;
import io.durablekafka.node.entities.ScheduledSignalStore;
import io.durablekafka.node.history.HistoryStore;
import io.durablekafka.node.timers.TimerStore;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the engine for one stream task (one partition of {@code orchestrations}): decodes input
 * records, hands them to the {@link OrchestrationEngine} or, for entity messages, the {@link EntityEngine}, fires
 * due timers and scheduled signals from a wall-clock punctuator, drains entity queues from another, and routes
 * the engines' output to the sinks. A record it cannot use goes to the dead-letter topic; nothing a
 * record contains can stop the stream thread.
 */
final class OrchestrationProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(OrchestrationProcessor.class);
    static final String QUEUE_HEADER = "dk.queue";
    private static final long MIN_EARLY_COMMIT_SPACING_MS = 20;
    private static final java.util.concurrent.atomic.AtomicLong LAST_EARLY_COMMIT = new java.util.concurrent.atomic.AtomicLong();

    private final FunctionRegistry registry;
    private final EngineSettings settings;
    private final Duration timerTick;
    private ProcessorContext<String, Object> context;
    private OrchestrationEngine engine;
    private EntityEngine entities;
    /** An entity call, lock message or answer was sent: an instance waits for this transaction to commit. */
    private boolean commitWanted;
    private TimerStore timers;

    OrchestrationProcessor(FunctionRegistry registry, EngineSettings settings, Duration timerTick) {
        this.registry = registry;
        this.settings = settings;
        this.timerTick = timerTick;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.timers = new TimerStore(context.getStateStore(TimerStore.NAME));
        Outputs outputs = new Outputs();
        this.engine = new OrchestrationEngine(registry, context.getStateStore(NodeTopology.INSTANCES_STORE),
                new HistoryStore(context.getStateStore(HistoryStore.NAME)), timers, outputs,
                settings, Clock.systemUTC());
        this.entities = new EntityEngine(registry, context.getStateStore(NodeTopology.ENTITIES_STORE),
                new EntityQueueStore(context.getStateStore(EntityQueueStore.NAME)),
                new ScheduledSignalStore(context.getStateStore(ScheduledSignalStore.NAME)), outputs, Clock.systemUTC());
        entities.init();
        context.schedule(timerTick, PunctuationType.WALL_CLOCK_TIME, now -> fireDueTimers());
        context.schedule(NodeTopology.ENTITY_TICK, PunctuationType.WALL_CLOCK_TIME, this::drainEntities);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
        OrchestrationMessage message;
        try {
            message = decode(record);
        } catch (RuntimeException e) {
            deadLetter(record, "invalid record: " + e.getMessage());
            return;
        }
        try {
            String rejection;
            if (EntityEngine.handles(message)) {
                rejection = entities.onMessage(message, offset, record.value());
                if (rejection == null && !(message instanceof SignalEntity)) {
                    // An orchestration waits for calls and lock messages: run them now. Signals wait for the
                    // entity tick, so that many of them run as one batch.
                    entities.drain(message.instanceId());
                }
            } else if (EntityInstanceId.isEntityId(message.instanceId())) {
                rejection = "'" + message.instanceId() + "' is an entity ID (@name@key); "
                        + MessageHeaders.typeOf(message) + " is for orchestration instances, whose IDs must not start with '@'";
            } else {
                rejection = engine.onMessage(message, offset);
            }
            if (rejection != null) {
                deadLetter(record, rejection);
            }
        } catch (RuntimeException e) {
            LOG.error("failed to process {} for instance '{}'", message.getClass().getSimpleName(), message.instanceId(), e);
            deadLetter(record, "processing failed: " + e);
        }
        maybeRequestCommit();
    }

    /**
     * Entity calls, lock messages and their answers go from one instance to another through this node's own
     * transactions, so every hop waits for a commit, which an idle stream thread makes only after its next poll
     * returns. Such messages ask for an early commit (rate-limited like the one for ended instances); a request
     * the rate limit turns down is asked again after the next record or entity tick.
     */
    private void maybeRequestCommit() {
        if (commitWanted && requestEarlyCommit()) {
            commitWanted = false;
        }
    }

    private static OrchestrationMessage decode(Record<String, byte[]> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("record has no value");
        }
        OrchestrationMessage message;
        try {
            var tree = Json.MAPPER.readTree(record.value());
            var v = tree.path("v");
            if (v.isInt() && v.intValue() > OrchestrationMessage.SCHEMA_VERSION) {
                throw new IllegalArgumentException("schema version " + v.intValue() + " is newer than this node understands ("
                        + OrchestrationMessage.SCHEMA_VERSION + ")");
            }
            message = Json.MAPPER.treeToValue(tree, OrchestrationMessage.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (message.instanceId() == null || message.instanceId().isEmpty()) {
            throw new IllegalArgumentException("message has no instanceId");
        }
        if (!message.instanceId().equals(record.key())) {
            throw new IllegalArgumentException("record key '" + record.key() + "' differs from instanceId '"
                    + message.instanceId() + "'; the key must be the instance ID");
        }
        return message;
    }

    private void drainEntities(long nowMs) {
        try {
            entities.drainDue(nowMs);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw e; // the transaction's trouble (fenced, migrated): Kafka Streams handles it
        } catch (RuntimeException e) {
            LOG.error("failed to run entity operations", e);
        }
        maybeRequestCommit();
    }

    private void fireDueTimers() {
        try {
            entities.fireDueSignals(java.time.Instant.now()); // the entity tick runs them
        } catch (org.apache.kafka.common.KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("failed to deliver scheduled entity signals", e);
        }
        List<TimerStore.DueTimer> due;
        do {
            due = timers.takeDue(java.time.Instant.now(), 500);
            for (TimerStore.DueTimer timer : due) {
                try {
                    engine.onTimer(timer);
                } catch (RuntimeException e) {
                    LOG.error("failed to fire timer {} of instance '{}'", timer.timerId(), timer.instanceId(), e);
                }
            }
        } while (due.size() == 500);
    }

    /**
     * Clients wait for completions: commit soon instead of at the next commit interval, but no more often than
     * {@link #MIN_EARLY_COMMIT_SPACING_MS} per process, since every commit costs a transaction round trip.
     */
    private boolean requestEarlyCommit() {
        long now = System.currentTimeMillis();
        long last = LAST_EARLY_COMMIT.get();
        if (now - last >= MIN_EARLY_COMMIT_SPACING_MS && LAST_EARLY_COMMIT.compareAndSet(last, now)) {
            context.commit();
            return true;
        }
        return false;
    }

    private void deadLetter(Record<String, byte[]> record, String reason) {
        LOG.warn("dead-lettering record for key '{}': {}", record.key(), reason);
        var meta = context.recordMetadata();
        var headers = DeadLetters.headers(reason, meta.map(m -> m.topic()).orElse(null),
                meta.map(m -> m.partition()).orElse(-1), meta.map(m -> m.offset()).orElse(-1L));
        context.forward(new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers),
                NodeTopology.DEAD_LETTER_SINK);
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Routes engine output to the sinks; every record starts with fresh headers. */
    private final class Outputs implements EngineOutputs {

        private long now() {
            return System.currentTimeMillis();
        }

        @Override
        public void activity(String taskQueue, ActivityRequest request) {
            var headers = new RecordHeaders();
            headers.add(QUEUE_HEADER, taskQueue.getBytes(StandardCharsets.UTF_8));
            MessageHeaders.setType(headers, "ActivityRequest");
            context.forward(new Record<>(request.instanceId(), request, now(), headers), NodeTopology.TASKS_SINK);
        }

        @Override
        public void orchestration(OrchestrationMessage message) {
            if (EntityEngine.handles(message) ? !(message instanceof SignalEntity) : EntityEngine.isEntityAnswer(message)) {
                commitWanted = true;
            }
            var headers = new RecordHeaders();
            MessageHeaders.setType(headers, MessageHeaders.typeOf(message));
            context.forward(new Record<>(message.instanceId(), message, now(), headers), NodeTopology.ORCHESTRATIONS_SINK);
        }

        @Override
        public void status(String instanceId, InstanceStatus status) {
            context.forward(new Record<>(instanceId, status, now(), new RecordHeaders()), NodeTopology.STATUS_SINK);
            if (status != null && status.runtimeStatus().isTerminal()) {
                requestEarlyCommit();
            }
        }

        @Override
        public void history(String key, HistoryRecord record) {
            context.forward(new Record<>(key, record, now(), new RecordHeaders()), NodeTopology.HISTORY_SINK);
        }
    }

}
