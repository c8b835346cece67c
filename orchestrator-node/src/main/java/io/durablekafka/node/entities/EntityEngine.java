package io.durablekafka.node.entities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.node.engine.EngineOutputs;
import io.durablekafka.node.entities.EntityRecord.LockOwner;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.ITaskEntity;
import io.durablekafka.sdk.TaskEntityContext;
import io.durablekafka.sdk.TaskEntityFactory;
import io.durablekafka.sdk.TaskEntityOperation;
import io.durablekafka.sdk.TaskEntityState;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the durable entities of one stream task. Every message for an entity (signal, call, lock request, lock
 * release) is first appended to the entity's queue in the {@link EntityQueueStore}; {@link #drain} then runs what
 * can run, in arrival order, as one batch per entity: the state is read once, the operations run one after the
 * other, and the state, one status record and the operations' messages are written at the end. Calls and lock
 * messages are drained at once (an orchestration waits for them); signals are drained by a short punctuator, so
 * many signals that one poll brings for the same entity run as one batch. All of it happens in the stream
 * thread's transaction, so an operation is applied exactly once.
 *
 * <p>Locks: while an entity is locked by a critical section, only calls from its owner and lock releases run;
 * everything else waits in the queue, in order, until the release.
 */
public final class EntityEngine {

    private static final Logger LOG = LoggerFactory.getLogger(EntityEngine.class);
    private static final int MAX_RELEASED_LOCKS = 64;

    private final FunctionRegistry registry;
    private final KeyValueStore<String, EntityRecord> entities;
    private final EntityQueueStore queue;
    private final ScheduledSignalStore schedule;
    private final EngineOutputs outputs;
    private final Clock clock;
    /**
     * Signals queued longer than this run at the next tick; younger ones wait for more to join their batch (unless
     * {@link #BATCH_SIZE} are waiting). Calls and lock messages never wait.
     */
    static final long BATCH_DELAY_MS = 10;
    static final int BATCH_SIZE = 500;

    /**
     * Entities whose queue may hold messages that can run, with when the first of them was queued and how many
     * were queued since: an index only, rebuilt from the queue store.
     */
    private final java.util.Map<String, long[]> ready = new java.util.LinkedHashMap<>();
    /**
     * Entities this engine knows to be locked (it wrote their lock): a signal for one of them cannot run before a
     * release, which drains the entity anyway, so it does not make the entity ready. A hint only: an entity
     * missing here is drained and found locked in the store.
     */
    private final java.util.Set<String> knownLocked = new java.util.HashSet<>();

    public EntityEngine(FunctionRegistry registry, KeyValueStore<String, EntityRecord> entities, EntityQueueStore queue,
                        ScheduledSignalStore schedule, EngineOutputs outputs, Clock clock) {
        this.registry = registry;
        this.entities = entities;
        this.queue = queue;
        this.schedule = schedule;
        this.outputs = outputs;
        this.clock = clock;
    }

    /** Rebuilds the ready index from the queue store (after a restart, a rebalance or a task revival). */
    public void init() {
        ready.clear();
        knownLocked.clear();
        queue.entityIds().forEach(id -> ready.put(id, new long[]{0, BATCH_SIZE}));
    }

    /** True for the messages this engine handles (the rest are for orchestrations). */
    public static boolean handles(OrchestrationMessage message) {
        return message instanceof SignalEntity || message instanceof CallEntity || message instanceof RequestEntityLock
                || message instanceof ReleaseEntityLock;
    }

    /** True for the messages entities send back to orchestrations (answers to calls, lock grants). */
    public static boolean isEntityAnswer(OrchestrationMessage message) {
        return message instanceof CompleteEntityOperation || message instanceof FailEntityOperation
                || message instanceof GrantEntityLock;
    }

    /**
     * Takes in one message for an entity: queues it (or, for a signal with a future {@code scheduledTime}, keeps it
     * for later). Returns why the message was refused (it is dead-lettered), or null.
     */
    public String onMessage(OrchestrationMessage message, long offset) {
        return onMessage(message, offset, null);
    }

    /**
     * As {@link #onMessage(OrchestrationMessage, long)}, with the record's value as it came ({@code raw}, the JSON
     * of {@code message}; null to serialize the message again): it is what the queue keeps.
     */
    public String onMessage(OrchestrationMessage message, long offset, byte[] raw) {
        String entityId = message.instanceId();
        EntityInstanceId id;
        try {
            id = EntityInstanceId.parse(entityId);
        } catch (IllegalArgumentException e) {
            return message.getClass().getSimpleName() + " for '" + entityId + "': " + e.getMessage();
        }
        switch (message) {
            case SignalEntity s -> {
                String refused = checkOperation(id, s.operation());
                if (refused != null) {
                    return "SignalEntity: " + refused;
                }
                if (s.scheduledTime() != null && s.scheduledTime().isAfter(clock.instant())) {
                    schedule.schedule(s, offset);
                    return null;
                }
            }
            case CallEntity c -> {
                String refused = checkOperation(id, c.operation());
                if (refused == null && (c.callerInstanceId() == null || c.callerInstanceId().isEmpty())) {
                    refused = "no callerInstanceId to answer to";
                }
                if (refused != null) {
                    if (c.callerInstanceId() != null && !c.callerInstanceId().isEmpty()) {
                        // The caller waits for an answer: fail its task rather than leave it waiting forever.
                        outputs.orchestration(new FailEntityOperation(c.callerInstanceId(), c.callerExecutionId(), c.taskId(),
                                FailureDetails.of("EntityNotFound", refused)));
                    }
                    return "CallEntity: " + refused;
                }
            }
            case RequestEntityLock r -> {
                if (r.ownerInstanceId() == null || r.lockSet().isEmpty() || r.position() < 0 || r.position() >= r.lockSet().size()
                        || !r.lockSet().get(r.position()).equals(entityId)) {
                    return "RequestEntityLock for '" + entityId + "' is malformed: position " + r.position() + " of lock set "
                            + r.lockSet() + ", owner " + r.ownerInstanceId();
                }
            }
            case ReleaseEntityLock r -> {
                if (r.ownerInstanceId() == null) {
                    return "ReleaseEntityLock for '" + entityId + "' has no ownerInstanceId";
                }
            }
            default -> {
                return message.getClass().getSimpleName() + " is not an entity message";
            }
        }
        queue.put(entityId, offset, raw != null ? raw : Json.toBytes(message));
        if (!(message instanceof SignalEntity && knownLocked.contains(entityId))) {
            markReady(entityId);
        }
        return null;
    }

    private String checkOperation(EntityInstanceId id, String operation) {
        if (operation == null || operation.isEmpty()) {
            return "no operation name for entity '" + id + "'";
        }
        if (registry.entity(id.name()).isEmpty()) {
            return "entity '" + id.name() + "' (of '" + id + "') is not registered on this node; registered entities: "
                    + registry.entityNames();
        }
        return null;
    }

    private void enqueue(String entityId, long offset, OrchestrationMessage message) {
        queue.put(entityId, offset, Json.toBytes(message));
        markReady(entityId);
    }

    private void markReady(String entityId) {
        long[] info = ready.get(entityId);
        if (info == null) {
            ready.put(entityId, new long[]{System.currentTimeMillis(), 1});
        } else {
            info[1]++;
        }
    }

    /** Moves due scheduled signals into their entities' queues; returns how many. */
    public int fireDueSignals(Instant now) {
        int fired = 0;
        List<ScheduledSignalStore.DueSignal> due;
        do {
            due = schedule.takeDue(now, 500);
            for (ScheduledSignalStore.DueSignal d : due) {
                String entityId = d.signal().instanceId();
                // The signal keeps the queue position of the record that brought it, which may lie before the
                // queue's head by now: move the head back so that the next drain finds it.
                EntityRecord record = entities.get(entityId);
                if (record != null && record.queueHead() > d.offset()) {
                    entities.put(entityId, new EntityRecord(record.entityId(), record.state(), record.lockedBy(),
                            record.releasedLocks(), record.createdTime(), record.lastModifiedTime(), record.operationCount(),
                            record.statusPublished(), record.inputOffset(), d.offset()));
                }
                enqueue(entityId, d.offset(), d.signal());
            }
            fired += due.size();
        } while (due.size() == 500);
        return fired;
    }

    /** Drains every entity with messages that may run. */
    public void drainReady() {
        if (ready.isEmpty()) {
            return;
        }
        for (String entityId : List.copyOf(ready.keySet())) {
            drain(entityId);
        }
    }

    /**
     * Drains the entities whose waiting batch is old enough ({@link #BATCH_DELAY_MS}) or big enough
     * ({@link #BATCH_SIZE}): under load, signals for one entity run in batches of many.
     */
    public void drainDue(long nowMs) {
        if (ready.isEmpty()) {
            return;
        }
        List<String> due = new ArrayList<>();
        for (var e : ready.entrySet()) {
            if (nowMs - e.getValue()[0] >= BATCH_DELAY_MS || e.getValue()[1] >= BATCH_SIZE) {
                due.add(e.getKey());
            }
        }
        due.forEach(this::drain);
    }

    /** Runs what can run of one entity's queue, as one batch. */
    public void drain(String entityId) {
        ready.remove(entityId);
        EntityRecord stored = entities.get(entityId);
        List<EntityQueueStore.Entry> entries = queue.read(entityId, stored == null ? 0 : stored.queueHead());
        if (entries.isEmpty()) {
            return;
        }
        Batch batch = new Batch(entityId, stored == null ? EntityRecord.empty(entityId) : stored, stored != null);
        batch.run(entries);
        batch.commit();
    }

    // ------------------------------------------------------------------------------------------ batch

    private static final class Pending {
        final EntityQueueStore.Entry entry;
        final OrchestrationMessage message;
        boolean done;

        Pending(EntityQueueStore.Entry entry, OrchestrationMessage message) {
            this.entry = entry;
            this.message = message;
        }
    }

    /** The changes to one entity in one drain, written together by {@link #commit()}. */
    private final class Batch {
        final String entityId;
        final EntityInstanceId id;
        final EntityRecord before;
        final boolean existed;
        final Instant now = clock.instant();

        JsonNode state;
        LockOwner lockedBy;
        final List<LockOwner> releasedLocks;
        Instant createdTime;
        Instant lastModifiedTime;
        long operationCount;
        long inputOffset;
        boolean operationsRan;
        final List<EntityQueueStore.Entry> done = new ArrayList<>();
        final List<OrchestrationMessage> sends = new ArrayList<>();
        ITaskEntity code;
        boolean codeResolved;
        List<Pending> pending = List.of();

        Batch(String entityId, EntityRecord before, boolean existed) {
            this.entityId = entityId;
            this.id = EntityInstanceId.parse(entityId);
            this.before = before;
            this.existed = existed;
            this.state = before.state();
            this.lockedBy = before.lockedBy();
            this.releasedLocks = new ArrayList<>(before.releasedLocks());
            this.createdTime = before.createdTime();
            this.lastModifiedTime = before.lastModifiedTime();
            this.operationCount = before.operationCount();
            this.inputOffset = before.inputOffset();
        }

        void run(List<EntityQueueStore.Entry> entries) {
            List<Pending> pending = new ArrayList<>(entries.size());
            this.pending = pending;
            for (EntityQueueStore.Entry e : entries) {
                try {
                    pending.add(new Pending(e, Json.fromBytes(e.message(), OrchestrationMessage.class)));
                } catch (RuntimeException ex) {
                    LOG.error("entity '{}': dropping an unreadable queued message at offset {}", entityId, e.offset(), ex);
                    done.add(e);
                }
            }
            boolean again = true;
            while (again) {
                again = false;
                for (Pending p : pending) {
                    if (p.done) {
                        continue;
                    }
                    Outcome outcome;
                    try {
                        outcome = handle(p, pending);
                    } catch (RuntimeException ex) {
                        LOG.error("entity '{}': dropping {} at offset {} that could not be handled", entityId,
                                p.message.getClass().getSimpleName(), p.entry.offset(), ex);
                        outcome = Outcome.DONE;
                    }
                    if (outcome == Outcome.WAIT) {
                        continue;
                    }
                    finished(p);
                    if (outcome == Outcome.UNLOCKED) {
                        again = true; // messages that waited for the lock can run now, in their order
                        break;
                    }
                }
            }
        }

        private void finished(Pending p) {
            p.done = true;
            done.add(p.entry);
            inputOffset = Math.max(inputOffset, p.entry.offset());
        }

        private Outcome handle(Pending p, List<Pending> pending) {
            return switch (p.message) {
                case SignalEntity s -> {
                    if (lockedBy != null) {
                        yield Outcome.WAIT;
                    }
                    Result r = execute(s.operation(), s.input(), false);
                    if (r.failure() != null) {
                        LOG.warn("entity '{}': signaled operation '{}' failed (its state change was rolled back): {}",
                                entityId, s.operation(), r.failure().errorMessage());
                    }
                    yield Outcome.DONE;
                }
                case CallEntity c -> {
                    boolean byOwner = lockedBy != null && lockedBy.instanceId().equals(c.callerInstanceId())
                            && Objects.equals(lockedBy.executionId(), c.callerExecutionId());
                    if (lockedBy != null && !byOwner) {
                        yield Outcome.WAIT;
                    }
                    Result r = execute(c.operation(), c.input(), true);
                    sends.add(r.failure() == null
                            ? new CompleteEntityOperation(c.callerInstanceId(), c.callerExecutionId(), c.taskId(), r.result())
                            : new FailEntityOperation(c.callerInstanceId(), c.callerExecutionId(), c.taskId(), r.failure()));
                    yield Outcome.DONE;
                }
                case RequestEntityLock q -> {
                    LockOwner owner = new LockOwner(q.ownerInstanceId(), q.ownerExecutionId(), q.taskId());
                    if (releasedLocks.remove(owner)) {
                        pass(q); // released before it got here: the owner has ended, the request only passes through
                        yield Outcome.DONE;
                    }
                    if (lockedBy != null && !lockedBy.equals(owner)) {
                        yield Outcome.WAIT;
                    }
                    lockedBy = owner;
                    pass(q);
                    yield Outcome.DONE;
                }
                case ReleaseEntityLock r -> {
                    LockOwner owner = new LockOwner(r.ownerInstanceId(), r.ownerExecutionId(), r.taskId());
                    // A release without execution and task (the gateway's clean-up of orphaned locks) frees
                    // whatever lock that owner holds.
                    boolean anyLockOfOwner = r.ownerExecutionId() == null && r.taskId() == -1
                            && lockedBy != null && lockedBy.instanceId().equals(r.ownerInstanceId());
                    if (owner.equals(lockedBy) || anyLockOfOwner) {
                        lockedBy = null;
                        yield Outcome.UNLOCKED;
                    }
                    Pending request = null;
                    for (Pending other : pending) {
                        if (!other.done && other.message instanceof RequestEntityLock q
                                && owner.equals(new LockOwner(q.ownerInstanceId(), q.ownerExecutionId(), q.taskId()))) {
                            request = other;
                            break;
                        }
                    }
                    if (request != null) {
                        // The request still waits here: let it pass without locking.
                        finished(request);
                        pass((RequestEntityLock) request.message);
                    } else {
                        releasedLocks.add(owner);
                        while (releasedLocks.size() > MAX_RELEASED_LOCKS) {
                            releasedLocks.removeFirst();
                        }
                    }
                    yield Outcome.DONE;
                }
                default -> Outcome.DONE;
            };
        }

        /** Passes a lock request on to the next entity of its set, or grants the lock when this one is the last. */
        private void pass(RequestEntityLock q) {
            int next = q.position() + 1;
            sends.add(next < q.lockSet().size()
                    ? new RequestEntityLock(q.lockSet().get(next), q.ownerInstanceId(), q.ownerExecutionId(), q.taskId(),
                    q.lockSet(), next)
                    : new GrantEntityLock(q.ownerInstanceId(), q.ownerExecutionId(), q.taskId()));
        }

        private ITaskEntity code() {
            if (!codeResolved) {
                codeResolved = true;
                TaskEntityFactory factory = registry.entity(id.name()).orElse(null);
                code = factory == null ? null : factory.create();
            }
            return code;
        }

        /** Runs one operation; a failure leaves the state and the outgoing messages as they were before it. */
        private Result execute(String operation, JsonNode input, boolean isCall) {
            ITaskEntity entity;
            try {
                entity = code();
            } catch (RuntimeException | LinkageError e) {
                return new Result(null, FailureDetails.of(e));
            }
            if (entity == null) {
                return new Result(null, FailureDetails.of("EntityNotFound", "entity '" + id.name()
                        + "' is not registered on this node; registered entities: " + registry.entityNames()));
            }
            JsonNode stateBefore = state;
            Operation op = new Operation(operation, input, isCall, stateBefore);
            operationsRan = true;
            lastModifiedTime = now;
            operationCount++;
            try {
                Object result = entity.run(op);
                JsonNode resultJson = result == null ? NullNode.getInstance() : Json.toTree(result);
                state = op.state;
                if (stateBefore == null && state != null) {
                    createdTime = now;
                }
                sends.addAll(op.outbox);
                return new Result(resultJson, null);
            } catch (VirtualMachineError e) {
                if (e instanceof StackOverflowError) {
                    state = stateBefore;
                    return new Result(null, FailureDetails.of(e));
                }
                throw e;
            } catch (Throwable t) {
                state = stateBefore;
                return new Result(null, FailureDetails.of(t));
            }
        }

        void commit() {
            boolean lockChanged = !Objects.equals(lockedBy, before.lockedBy());
            boolean hasState = state != null;
            boolean statusPublished = before.statusPublished();
            if (hasState && (operationsRan || lockChanged || !statusPublished)) {
                outputs.status(entityId, status());
                statusPublished = true;
            } else if (!hasState && statusPublished) {
                outputs.status(entityId, null); // deleted: a tombstone on the compacted status topic
                statusPublished = false;
            }
            // The new head: the oldest message still waiting, else just past the newest one handled.
            long head = before.queueHead();
            long newest = -1;
            long oldestWaiting = Long.MAX_VALUE;
            for (Pending p : pending) {
                newest = Math.max(newest, p.entry.offset());
                if (!p.done) {
                    oldestWaiting = Math.min(oldestWaiting, p.entry.offset());
                }
            }
            if (newest >= 0) {
                head = oldestWaiting != Long.MAX_VALUE ? oldestWaiting : newest + 1;
            }
            if (!hasState && lockedBy == null && releasedLocks.isEmpty() && oldestWaiting == Long.MAX_VALUE) {
                if (existed) {
                    entities.delete(entityId);
                }
            } else {
                entities.put(entityId, new EntityRecord(entityId, state, lockedBy, releasedLocks, hasState ? createdTime : null,
                        lastModifiedTime, operationCount, statusPublished, inputOffset, head));
            }
            for (EntityQueueStore.Entry e : done) {
                queue.delete(entityId, e.offset());
            }
            if (lockedBy != null) {
                knownLocked.add(entityId);
            } else {
                knownLocked.remove(entityId);
            }
            sends.forEach(outputs::orchestration);
        }

        private InstanceStatus status() {
            JsonNode custom = null;
            if (lockedBy != null) {
                ObjectNode lock = JsonNodeFactory.instance.objectNode();
                lock.put("lockedBy", lockedBy.instanceId());
                custom = lock;
            }
            return new InstanceStatus(entityId, id.name(), null, RuntimeStatus.Running, null, state, custom, null,
                    createdTime, lastModifiedTime != null ? lastModifiedTime : now, null, 0, inputOffset);
        }

        /** One operation as the entity's code sees it: its input, the state, and an outbox of messages. */
        private final class Operation implements TaskEntityOperation, TaskEntityContext, TaskEntityState {
            private final String name;
            private final JsonNode input;
            private final boolean isCall;
            private final List<OrchestrationMessage> outbox = new ArrayList<>();
            private JsonNode state;
            private int started;

            Operation(String name, JsonNode input, boolean isCall, JsonNode state) {
                this.name = name;
                this.input = input;
                this.isCall = isCall;
                this.state = state;
            }

            @Override
            public String getOperationName() {
                return name;
            }

            @Override
            public EntityInstanceId getEntityId() {
                return id;
            }

            @Override
            public boolean hasInput() {
                return input != null && !input.isNull() && !input.isMissingNode();
            }

            @Override
            public <T> T getInput(Class<T> type) {
                return copyOf(input, type);
            }

            @Override
            public TaskEntityContext getContext() {
                return this;
            }

            @Override
            public TaskEntityState getState() {
                return this;
            }

            @Override
            public boolean isCall() {
                return isCall;
            }

            @Override
            public boolean hasState() {
                return state != null;
            }

            @Override
            public <T> T getState(Class<T> type) {
                return copyOf(state, type);
            }

            @Override
            public void setState(Object value) {
                JsonNode tree = value == null ? null : Json.toTree(value);
                if (tree != null && (tree.isNull() || tree.isMissingNode())) {
                    tree = null;
                }
                this.state = tree != null && tree.isContainerNode() && value == tree ? tree.deepCopy() : tree;
            }

            @Override
            public void signalEntity(EntityInstanceId entity, String operation, Object signalInput, Instant scheduledTime) {
                Objects.requireNonNull(entity, "entity");
                if (operation == null || operation.isEmpty()) {
                    throw new IllegalArgumentException("operation name must not be empty");
                }
                outbox.add(new SignalEntity(entity.toString(), operation, Json.toTree(signalInput), scheduledTime, entityId));
            }

            @Override
            public String startNewOrchestration(String orchestration, Object orchestrationInput, String instanceId) {
                if (orchestration == null || orchestration.isBlank()) {
                    throw new IllegalArgumentException("orchestration name must not be empty");
                }
                String target = instanceId;
                if (target == null) {
                    target = UUID.nameUUIDFromBytes((entityId + "|" + operationCount + "|" + (started++))
                            .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
                } else if (EntityInstanceId.isEntityId(target)) {
                    throw new IllegalArgumentException("orchestration instance IDs must not start with '@': " + target);
                }
                outbox.add(new StartOrchestration(target, orchestration, Json.toTree(orchestrationInput), null, null, now));
                return target;
            }
        }
    }

    private static <T> T copyOf(JsonNode node, Class<T> type) {
        if (node != null && node.isContainerNode() && (type == JsonNode.class || type == Object.class
                || JsonNode.class.isAssignableFrom(type))) {
            return type.cast(node.deepCopy());
        }
        return Json.fromTree(node, type);
    }

    private enum Outcome {
        /** Handled: remove it from the queue. */
        DONE,
        /** Handled, and the entity was unlocked: messages that waited may run now. */
        UNLOCKED,
        /** Cannot run yet (the entity is locked by another critical section). */
        WAIT
    }

    private record Result(JsonNode result, FailureDetails failure) {
    }
}
