package io.durablekafka.node.entities;

import io.durablekafka.common.messages.AbandonEntityWork;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.CompleteEntityWork;
import io.durablekafka.common.messages.EntityWorkAnswer;
import io.durablekafka.common.messages.EntityWorkItem;
import io.durablekafka.common.messages.EntityMessage;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.node.store.NodeStore;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the durable entities of one stream task. Every message for an entity (signal, call, lock request, lock
 * release) is first appended to the entity's queue in the store; {@link #drain} then runs what can run, in arrival
 * order, as one {@link EntityBatch}: the state is read once, the operations run one after the other, and the state
 * and the operations' messages are written at the end. Calls and lock messages are drained at once (an
 * orchestration waits for them); signals are drained by a short punctuator, so many signals that one poll brings
 * for the same entity run as one batch. All of it happens in the stream thread's transaction, so an operation is
 * applied exactly once.
 *
 * <p>With SDK workers on, an entity whose name the registry does not know is an <em>SDK entity</em>: its queue and
 * its lock are handled here exactly as for the others, but its operations run in an SDK worker. A drain then plans
 * the operations that can run and writes them as one {@link EntityWorkItem} (see {@link SdkEntityWork}); nothing
 * else of the entity runs until the worker's answer ({@link CompleteEntityWork}) is applied, or the work item is
 * issued again (its deadline passed, a gateway abandoned it, the worker could not run the batch).
 */
public final class EntityEngine {

    private static final Logger LOG = LoggerFactory.getLogger(EntityEngine.class);
    /**
     * Signals queued longer than this run at the next tick; younger ones wait for more to join their batch (unless
     * {@link #BATCH_SIZE} are waiting). Calls and lock messages never wait.
     */
    static final long BATCH_DELAY_MS = 10;
    static final int BATCH_SIZE = 500;
    /** Timer ID of an SDK entity's work item deadline (in the due-time index, under the entity ID). */
    static final int WORK_TIMER = -2;
    /** How long after a batch the SDK worker could not run it runs again (at most the work item's timeout). */
    static final Duration FAILED_BATCH_RETRY = Duration.ofSeconds(1);

    private final FunctionRegistry registry;
    private final NodeStore store;
    private final Consumer<OrchestrationMessage> send;
    private final Clock clock;
    /** Whether entities the registry does not know run on SDK workers. */
    private final boolean sdkWorkers;
    private final Duration sdkWorkTimeout;
    private final Consumer<EntityWorkItem> issueWork;
    /**
     * Entities whose queue may hold messages that can run, with when the first of them was queued and how many were
     * queued since: an index only, rebuilt from the store.
     */
    private final Map<String, long[]> ready = new LinkedHashMap<>();
    /**
     * Entities this engine knows to be locked (it wrote their lock): a signal for one of them cannot run before a
     * release, which drains the entity anyway, so it does not make the entity ready. A hint only: an entity missing
     * here is drained and found locked in the store.
     */
    private final Set<String> knownLocked = new HashSet<>();

    /** @param send where the messages entities send go (the orchestrations topic) */
    public EntityEngine(FunctionRegistry registry, NodeStore store, Consumer<OrchestrationMessage> send, Clock clock) {
        this(registry, store, send, clock, false, Duration.ofSeconds(60), item -> {
            throw new IllegalStateException("no SDK workers");
        });
    }

    /**
     * @param sdkWorkers     entities {@code registry} does not know run on SDK workers
     * @param sdkWorkTimeout how long an entity work item may stay unanswered before it is issued again
     * @param issueWork      where entity work items go (the {@code sdk-entity-work} topic)
     */
    public EntityEngine(FunctionRegistry registry, NodeStore store, Consumer<OrchestrationMessage> send, Clock clock,
                        boolean sdkWorkers, Duration sdkWorkTimeout, Consumer<EntityWorkItem> issueWork) {
        this.registry = registry;
        this.store = store;
        this.send = send;
        this.clock = clock;
        this.sdkWorkers = sdkWorkers;
        this.sdkWorkTimeout = sdkWorkTimeout;
        this.issueWork = issueWork;
    }

    /** Whether entity {@code name}'s operations run in an SDK worker. */
    private boolean isSdk(String name) {
        return sdkWorkers && registry.entity(name).isEmpty();
    }

    /** Rebuilds the ready index from the store (after a restart, a rebalance or a task revival). */
    public void init() {
        ready.clear();
        knownLocked.clear();
        store.queuedEntities().forEach(id -> ready.put(id, new long[]{0, BATCH_SIZE}));
    }

    /**
     * Takes in one message for an entity: queues it (or, for a signal with a future {@code scheduledTime}, keeps it in
     * the due-time index). Returns why the message was refused (it is dead-lettered), or null.
     *
     * @param raw the record's value as it came (the JSON of {@code message}): what the queue keeps
     */
    public String onMessage(EntityMessage message, long offset, byte[] raw) {
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
                    store.putDue(new DueItem.ScheduledSignal(offset, s));
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
                        send.accept(new FailEntityOperation(c.callerInstanceId(), c.callerExecutionId(), c.taskId(),
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
        }
        store.enqueue(entityId, offset, raw != null ? raw : Json.toBytes(message));
        if (!(message instanceof SignalEntity && knownLocked.contains(entityId))) {
            markReady(entityId);
        }
        return null;
    }

    private String checkOperation(EntityInstanceId id, String operation) {
        if (operation == null || operation.isEmpty()) {
            return "no operation name for entity '" + id + "'";
        }
        if (registry.entity(id.name()).isEmpty() && !sdkWorkers) {
            return "entity '" + id.name() + "' (of '" + id + "') is not registered on this node; registered entities: "
                    + registry.entityNames();
        }
        return null;
    }

    private void markReady(String entityId) {
        long[] info = ready.get(entityId);
        if (info == null) {
            // The engine's clock, which the time given to drainDue comes from too (the punctuator's wall clock).
            ready.put(entityId, new long[]{clock.millis(), 1});
        } else {
            info[1]++;
        }
    }

    /** A scheduled signal came due (already taken out of the due-time index): into its entity's queue. */
    public void signalDue(DueItem.ScheduledSignal due) {
        String entityId = due.signal().instanceId();
        // The signal keeps the queue position of the record that brought it, which may lie before the queue's head
        // by now: move the head back so that the next drain finds it.
        EntityState entity = store.entity(entityId);
        if (entity != null && entity.queueHead() > due.offset()) {
            store.putEntity(new EntityState(entity.entityId(), entity.state(), entity.lockedBy(), entity.releasedLocks(),
                    entity.createdTime(), entity.lastModifiedTime(), entity.operationCount(), entity.inputOffset(),
                    due.offset(), entity.sdkWork()));
        }
        store.enqueue(entityId, due.offset(), Json.toBytes(due.signal()));
        markReady(entityId);
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

    /** When the next entity batch falls due ({@link #drainDue}), if any entity has messages waiting. */
    public java.util.OptionalLong nextDrainMillis() {
        long next = Long.MAX_VALUE;
        for (long[] info : ready.values()) {
            next = Math.min(next, info[1] >= BATCH_SIZE ? 0 : info[0] + BATCH_DELAY_MS);
        }
        return next == Long.MAX_VALUE ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(next);
    }

    /** Runs what can run of one entity's queue, as one batch. */
    public void drain(String entityId) {
        ready.remove(entityId);
        EntityState stored = store.entity(entityId);
        boolean sdk = isSdk(EntityInstanceId.parse(entityId).name());
        if (sdk && stored != null && stored.sdkWork() != null && stored.sdkWork().outstanding()) {
            return; // everything waits for the worker's answer, which drains the entity again
        }
        List<EntityBatch.Queued> queue = readQueue(entityId, stored);
        if (queue.isEmpty()) {
            return;
        }
        EntityBatch batch = new EntityBatch(registry, stored == null ? EntityState.empty(entityId) : stored,
                clock.instant());
        EntityBatch.Result result = (sdk ? batch.planning() : batch).run(queue);
        EntityState after = result.after();
        if (!result.planned().isEmpty()) {
            SdkEntityWork.Issued issued = SdkEntityWork.issue(after, result.planned(), deadline(sdkWorkTimeout));
            after = issued.entity();
            store.putDue(new DueItem.Timer(entityId, WORK_TIMER, after.sdkWork().deadline()));
            issueWork.accept(issued.item());
        }
        if (after == null) {
            if (stored != null) {
                store.deleteEntity(entityId);
            }
        } else if (result.changed() || stored == null || !result.planned().isEmpty()) {
            store.putEntity(after);
        }
        for (long offset : result.done()) {
            store.dequeue(entityId, offset);
        }
        if (after != null && after.lockedBy() != null) {
            knownLocked.add(entityId);
        } else {
            knownLocked.remove(entityId);
        }
        result.sends().forEach(send);
    }

    private java.time.Instant deadline(Duration after) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(after);
    }

    /** The entity's queue, from its head, as messages (unreadable entries are dropped). */
    private List<EntityBatch.Queued> readQueue(String entityId, EntityState stored) {
        List<NodeStore.QueuedMessage> entries = store.queue(entityId, stored == null ? 0 : stored.queueHead());
        List<EntityBatch.Queued> queue = new ArrayList<>(entries.size());
        for (NodeStore.QueuedMessage e : entries) {
            try {
                if (Json.fromBytes(e.message(), OrchestrationMessage.class) instanceof EntityMessage m) {
                    queue.add(new EntityBatch.Queued(e.offset(), m));
                    continue;
                }
                LOG.error("entity '{}': dropping a queued message at offset {} that is not an entity message", entityId,
                        e.offset());
            } catch (RuntimeException ex) {
                LOG.error("entity '{}': dropping an unreadable queued message at offset {}", entityId, e.offset(), ex);
            }
            store.dequeue(entityId, e.offset());
        }
        return queue;
    }

    // ------------------------------------------------------------------------------------------ SDK entities

    /**
     * An SDK worker's answer or a gateway's abandon for an entity's work item. A stale one changes nothing; a valid
     * answer is applied and the entity drained again (its next batch); an abandon, or a batch the worker could not
     * run, issues the work again. Returns why the message was refused (it is dead-lettered), or null.
     */
    public String onWorkAnswer(EntityWorkAnswer answer) {
        String entityId = answer.instanceId();
        if (!EntityInstanceId.isEntityId(entityId)) {
            return answer.getClass().getSimpleName() + " for '" + entityId + "', which is not an entity ID (@name@key)";
        }
        EntityState stored = store.entity(entityId);
        if (!SdkEntityWork.answers(stored, answer)) {
            LOG.debug("entity '{}': stale {} (work item {}) ignored", entityId, answer.getClass().getSimpleName(),
                    answer.workSeq());
            return null;
        }
        switch (answer) {
            case AbandonEntityWork a -> reissue(stored);
            case CompleteEntityWork c when c.failure() != null -> {
                // A batch the worker could not run (the entity's code was not reached or the worker broke down) is
                // retried, as the SDKs expect ("abandoned and retried", the JavaScript SDK's worker): nothing is
                // applied, no operation is lost. A short pause first, so a batch that keeps failing does not spin.
                LOG.warn("entity '{}': the SDK worker could not run work item {} ({}: {}); it runs again", entityId,
                        c.workSeq(), c.failure().errorType(), c.failure().errorMessage());
                Duration retry = FAILED_BATCH_RETRY.compareTo(sdkWorkTimeout) < 0 ? FAILED_BATCH_RETRY : sdkWorkTimeout;
                EntityState.SdkWork w = stored.sdkWork();
                store.deleteDue(new DueItem.Timer(entityId, WORK_TIMER, w.deadline()));
                EntityState.SdkWork later = new EntityState.SdkWork(w.seq(), w.offsets(), deadline(retry));
                store.putEntity(stored.withSdkWork(later));
                store.putDue(new DueItem.Timer(entityId, WORK_TIMER, later.deadline()));
            }
            case CompleteEntityWork c -> {
                store.deleteDue(new DueItem.Timer(entityId, WORK_TIMER, stored.sdkWork().deadline()));
                List<EntityBatch.Queued> queue = readQueue(entityId, stored);
                SdkEntityWork.Applied applied = SdkEntityWork.apply(stored,
                        SdkEntityWork.outstanding(stored, queue), c, clock.instant().truncatedTo(ChronoUnit.MILLIS));
                applied.done().forEach(offset -> store.dequeue(entityId, offset));
                EntityState after = applied.after();
                boolean left = queue.size() > applied.done().size();
                if (after.state() == null && after.lockedBy() == null && after.releasedLocks().isEmpty() && !left) {
                    store.deleteEntity(entityId); // deleted by its code, nothing waiting: as for in-process entities
                } else {
                    store.putEntity(after);
                }
                applied.sends().forEach(send);
                if (left) {
                    drain(entityId); // what waited meanwhile: the next batch
                }
            }
        }
        return null;
    }

    /** An SDK entity's work item deadline passed (its timer fired): issue the batch again if still unanswered. */
    public void workTimerFired(DueItem.Timer timer) {
        EntityState stored = store.entity(timer.instanceId());
        EntityState.SdkWork w = stored == null ? null : stored.sdkWork();
        if (timer.timerId() == WORK_TIMER && w != null && w.outstanding() && timer.fireAt().equals(w.deadline())) {
            reissue(stored);
        }
    }

    /** Issues the outstanding batch again, with a new sequence number, so that an answer to the old one is stale. */
    private void reissue(EntityState stored) {
        String entityId = stored.entityId();
        EntityState.SdkWork w = stored.sdkWork();
        store.deleteDue(new DueItem.Timer(entityId, WORK_TIMER, w.deadline()));
        List<EntityBatch.Queued> ops = SdkEntityWork.outstanding(stored, readQueue(entityId, stored));
        if (ops.isEmpty()) {
            // Its messages are gone (cannot happen while the work is out; be safe): forget it and run what waits.
            store.putEntity(stored.withSdkWork(new EntityState.SdkWork(w.seq(), List.of(), null)));
            drain(entityId);
            return;
        }
        SdkEntityWork.Issued issued = SdkEntityWork.issue(stored, ops, deadline(sdkWorkTimeout));
        store.putEntity(issued.entity());
        store.putDue(new DueItem.Timer(entityId, WORK_TIMER, issued.entity().sdkWork().deadline()));
        issueWork.accept(issued.item());
    }
}
