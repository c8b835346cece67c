package io.durablekafka.node.entities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.EntityMessage;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.store.EntityLockHolder;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.ITaskEntity;
import io.durablekafka.sdk.TaskEntityFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an entity over the messages waiting in its queue, in arrival order: operations run one after the other
 * on the state read once (a failing one is rolled back alone), lock requests and releases change the lock, and
 * whatever cannot run yet (the entity is locked by someone else) stays queued. No I/O: the result says what to
 * write and send.
 *
 * <p>For an entity run by SDK workers ({@link #planning}) the same walk decides which operations run, but does not
 * run them: they are {@link Result#planned} (they stay queued until the worker's answer is applied, see
 * {@link SdkEntityWork}), while lock requests and releases are handled here as for any entity: the SDK's code never
 * sees locks.
 */
final class EntityBatch {

    private static final Logger LOG = LoggerFactory.getLogger(EntityBatch.class);
    private static final int MAX_RELEASED_LOCKS = 64;

    /** A queued message: its offset (queue position) and the message. */
    record Queued(long offset, EntityMessage message) {
    }

    /**
     * @param after   the entity's new record (null: delete it: no state, no lock, nothing waiting)
     * @param done    offsets of the queued messages handled (to remove from the queue)
     * @param sends   messages to send, in order
     * @param changed whether anything changed (else nothing needs writing)
     */
    record Result(EntityState after, List<Long> done, List<OrchestrationMessage> sends, boolean changed,
                  List<Queued> planned) {
        Result(EntityState after, List<Long> done, List<OrchestrationMessage> sends, boolean changed) {
            this(after, done, sends, changed, List.of());
        }
    }

    /** The most operations one SDK work item carries; the rest wait for the next one. */
    static final int MAX_PLANNED = 500;

    private final FunctionRegistry registry;
    private final String entityId;
    private final EntityInstanceId id;
    private final EntityState before;
    private final Instant now;

    private JsonNode state;
    private EntityLockHolder lockedBy;
    private final List<EntityLockHolder> releasedLocks;
    private Instant createdTime;
    private Instant lastModifiedTime;
    private long operationCount;
    private long inputOffset;
    private boolean changed;
    private final List<Long> done = new ArrayList<>();
    private final List<OrchestrationMessage> sends = new ArrayList<>();
    private ITaskEntity code;
    private boolean codeResolved;
    /** SDK entity: operations are planned for a work item, not run. */
    private boolean planning;
    private final List<Queued> planned = new ArrayList<>();

    private static final class Pending {
        final Queued queued;
        boolean done;
        /** Taken into the SDK work item (still queued). */
        boolean planned;

        Pending(Queued queued) {
            this.queued = queued;
        }
    }

    EntityBatch(FunctionRegistry registry, EntityState before, Instant now) {
        this.registry = registry;
        this.entityId = before.entityId();
        this.id = EntityInstanceId.parse(entityId);
        this.before = before;
        this.now = now;
        this.state = before.state();
        this.lockedBy = before.lockedBy();
        this.releasedLocks = new ArrayList<>(before.releasedLocks());
        this.createdTime = before.createdTime();
        this.lastModifiedTime = before.lastModifiedTime();
        this.operationCount = before.operationCount();
        this.inputOffset = before.inputOffset();
    }

    /** For an entity run by SDK workers: plans its operations rather than running them (see {@link #planning}). */
    EntityBatch planning() {
        this.planning = true;
        return this;
    }

    Result run(List<Queued> queue) {
        List<Pending> pending = new ArrayList<>(queue.size());
        queue.forEach(q -> pending.add(new Pending(q)));
        boolean again = true;
        while (again) {
            again = false;
            for (Pending p : pending) {
                if (p.done || p.planned) {
                    continue;
                }
                if (planning && planned.size() >= MAX_PLANNED) {
                    break; // the work item is full: everything after waits, in order, for the next one
                }
                Outcome outcome;
                try {
                    outcome = handle(p, pending);
                } catch (RuntimeException ex) {
                    LOG.error("entity '{}': dropping {} at offset {} that could not be handled", entityId,
                            p.queued.message().getClass().getSimpleName(), p.queued.offset(), ex);
                    outcome = Outcome.DONE;
                }
                if (outcome == Outcome.WAIT) {
                    continue;
                }
                if (outcome == Outcome.PLANNED) {
                    p.planned = true;
                    planned.add(p.queued);
                    continue;
                }
                finished(p);
                if (outcome == Outcome.UNLOCKED) {
                    again = true; // messages that waited for the lock can run now, in their order
                    break;
                }
            }
        }
        // The new head: the oldest message still waiting, else just past the newest one seen.
        long head = before.queueHead();
        long newest = -1;
        long oldestWaiting = Long.MAX_VALUE;
        for (Pending p : pending) {
            newest = Math.max(newest, p.queued.offset());
            if (!p.done) {
                oldestWaiting = Math.min(oldestWaiting, p.queued.offset());
            }
        }
        if (newest >= 0) {
            head = oldestWaiting != Long.MAX_VALUE ? oldestWaiting : newest + 1;
        }
        changed |= !done.isEmpty() || head != before.queueHead();
        boolean gone = state == null && lockedBy == null && releasedLocks.isEmpty() && oldestWaiting == Long.MAX_VALUE;
        EntityState after = gone ? null : new EntityState(entityId, state, lockedBy, releasedLocks,
                state != null ? createdTime : null, lastModifiedTime, operationCount, inputOffset, head,
                before.sdkWork());
        return new Result(after, done, sends, changed, planned);
    }

    private void finished(Pending p) {
        p.done = true;
        done.add(p.queued.offset());
        inputOffset = Math.max(inputOffset, p.queued.offset());
    }

    private Outcome handle(Pending p, List<Pending> pending) {
        return switch (p.queued.message()) {
            case SignalEntity s -> {
                if (lockedBy != null) {
                    yield Outcome.WAIT;
                }
                if (planning) {
                    yield Outcome.PLANNED;
                }
                EntityOperationRun.Result r = execute(s.operation(), s.input(), false);
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
                if (planning) {
                    yield Outcome.PLANNED;
                }
                EntityOperationRun.Result r = execute(c.operation(), c.input(), true);
                sends.add(r.failure() == null
                        ? new CompleteEntityOperation(c.callerInstanceId(), c.callerExecutionId(), c.taskId(), r.result())
                        : new FailEntityOperation(c.callerInstanceId(), c.callerExecutionId(), c.taskId(), r.failure()));
                yield Outcome.DONE;
            }
            case RequestEntityLock q -> {
                EntityLockHolder owner = new EntityLockHolder(q.ownerInstanceId(), q.ownerExecutionId(), q.taskId());
                if (releasedLocks.remove(owner)) {
                    changed = true;
                    pass(q); // released before it got here: the owner has ended, the request only passes through
                    yield Outcome.DONE;
                }
                if (lockedBy != null && !lockedBy.equals(owner)) {
                    yield Outcome.WAIT;
                }
                lockedBy = owner;
                changed = true;
                pass(q);
                yield Outcome.DONE;
            }
            case ReleaseEntityLock r -> {
                EntityLockHolder owner = new EntityLockHolder(r.ownerInstanceId(), r.ownerExecutionId(), r.taskId());
                // A release without execution and task (the gateway's clean-up of orphaned locks) frees whatever
                // lock that owner holds.
                boolean anyLockOfOwner = r.ownerExecutionId() == null && r.taskId() == -1
                        && lockedBy != null && lockedBy.instanceId().equals(r.ownerInstanceId());
                if (owner.equals(lockedBy) || anyLockOfOwner) {
                    lockedBy = null;
                    changed = true;
                    yield Outcome.UNLOCKED;
                }
                Pending request = null;
                for (Pending other : pending) {
                    if (!other.done && other.queued.message() instanceof RequestEntityLock q
                            && owner.equals(new EntityLockHolder(q.ownerInstanceId(), q.ownerExecutionId(), q.taskId()))) {
                        request = other;
                        break;
                    }
                }
                if (request != null) {
                    // The request still waits here: let it pass without locking.
                    finished(request);
                    pass((RequestEntityLock) request.queued.message());
                } else {
                    releasedLocks.add(owner);
                    while (releasedLocks.size() > MAX_RELEASED_LOCKS) {
                        releasedLocks.removeFirst();
                    }
                    changed = true;
                }
                yield Outcome.DONE;
            }
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
    private EntityOperationRun.Result execute(String operation, JsonNode input, boolean isCall) {
        ITaskEntity entity;
        try {
            entity = code();
        } catch (RuntimeException | LinkageError e) {
            return new EntityOperationRun.Result(null, FailureDetails.of(e));
        }
        if (entity == null) {
            return new EntityOperationRun.Result(null, FailureDetails.of("EntityNotFound", "entity '" + id.name()
                    + "' is not registered on this node; registered entities: " + registry.entityNames()));
        }
        JsonNode stateBefore = state;
        changed = true;
        lastModifiedTime = now;
        operationCount++;
        EntityOperationRun op = new EntityOperationRun(id, operation, input, isCall, stateBefore, operationCount, now);
        try {
            Object result = entity.run(op);
            JsonNode resultJson = result == null ? NullNode.getInstance() : Json.toTree(result);
            state = op.state();
            if (stateBefore == null && state != null) {
                createdTime = now;
            }
            sends.addAll(op.outbox());
            return new EntityOperationRun.Result(resultJson, null);
        } catch (VirtualMachineError e) {
            if (e instanceof StackOverflowError) {
                state = stateBefore;
                return new EntityOperationRun.Result(null, FailureDetails.of(e));
            }
            throw e;
        } catch (Throwable t) {
            state = stateBefore;
            return new EntityOperationRun.Result(null, FailureDetails.of(t));
        }
    }

    private enum Outcome {
        /** Handled: remove it from the queue. */
        DONE,
        /** Handled, and the entity was unlocked: messages that waited may run now. */
        UNLOCKED,
        /** Cannot run yet (the entity is locked by another critical section). */
        WAIT,
        /** An operation taken into the SDK work item: it stays queued until the worker's answer is applied. */
        PLANNED
    }
}
