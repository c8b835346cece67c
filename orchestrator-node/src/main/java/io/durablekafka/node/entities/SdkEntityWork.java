package io.durablekafka.node.entities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.durablekafka.common.messages.AbandonEntityWork;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.CompleteEntityWork;
import io.durablekafka.common.messages.EntityWorkAnswer;
import io.durablekafka.common.messages.EntityWorkItem;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.sdk.EntityInstanceId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pure core of entities run by SDK workers: which work item a planned batch makes, whether an answer is the one
 * the entity waits for, and what applying it changes. No I/O: {@link EntityEngine} reads the store and writes what
 * these functions return.
 *
 * <p>One work item per entity is outstanding at a time ({@link EntityState.SdkWork}); messages that arrive meanwhile
 * wait in the queue. A work item is identified by its {@code workSeq} together with its request IDs, which are the
 * queue positions (input offsets) of its operations: an answer for an older work item, or for a work item of an
 * earlier incarnation of the entity (deleted since, so its sequence numbers started again), names other positions and
 * is ignored.
 */
final class SdkEntityWork {

    private static final Logger LOG = LoggerFactory.getLogger(SdkEntityWork.class);

    private SdkEntityWork() {
    }

    /** The request ID of the operation queued at {@code offset}. */
    static String requestId(long offset) {
        return Long.toString(offset);
    }

    /**
     * The work item for {@code operations} (planned by {@link EntityBatch#planning}, in order) of {@code entity}, with
     * the entity's record that says it is outstanding until {@code deadline}.
     */
    static Issued issue(EntityState entity, List<EntityBatch.Queued> operations, Instant deadline) {
        long seq = (entity.sdkWork() == null ? 0 : entity.sdkWork().seq()) + 1;
        List<EntityWorkItem.Operation> ops = new ArrayList<>(operations.size());
        List<Long> offsets = new ArrayList<>(operations.size());
        for (EntityBatch.Queued q : operations) {
            offsets.add(q.offset());
            ops.add(switch (q.message()) {
                case SignalEntity s -> new EntityWorkItem.Operation(requestId(q.offset()), s.operation(), s.input(), false);
                case CallEntity c -> new EntityWorkItem.Operation(requestId(q.offset()), c.operation(), c.input(), true);
                default -> throw new IllegalArgumentException("not an operation: " + q.message());
            });
        }
        EntityWorkItem item = new EntityWorkItem(entity.entityId(), seq, entity.state(), ops);
        return new Issued(item, entity.withSdkWork(new EntityState.SdkWork(seq, offsets, deadline)));
    }

    /** A work item and the entity's record with it outstanding. */
    record Issued(EntityWorkItem item, EntityState entity) {
    }

    /** Whether {@code answer} answers the entity's outstanding work item (else it is stale: ignored). */
    static boolean answers(EntityState entity, EntityWorkAnswer answer) {
        EntityState.SdkWork w = entity == null ? null : entity.sdkWork();
        if (w == null || !w.outstanding() || answer.workSeq() != w.seq()) {
            return false;
        }
        return switch (answer) {
            case AbandonEntityWork a -> true;
            case CompleteEntityWork c -> c.requestIds().equals(w.offsets().stream().map(SdkEntityWork::requestId).toList());
        };
    }

    /**
     * What applying a valid answer changes.
     *
     * @param after the entity's new record (never null: the engine deletes it when nothing is left)
     * @param done  queue positions of the operations applied (to remove from the queue)
     * @param sends answers to callers and the operations' actions, in order
     */
    record Applied(EntityState after, List<Long> done, List<OrchestrationMessage> sends) {
    }

    /**
     * Applies an answer that {@link #answers} the outstanding work item: the new state, each call's result or failure
     * to its caller, the actions, the operations done. Results beyond the operations are ignored; fewer results than
     * operations leave the rest queued for the next work item (as Durable Task does).
     *
     * @param operations the outstanding work item's operations, in order (read back from the queue)
     * @param now        the step's time
     */
    static Applied apply(EntityState before, List<EntityBatch.Queued> operations, CompleteEntityWork answer, Instant now) {
        if (answer.failure() != null) {
            throw new IllegalArgumentException("a failed batch is not applied; it runs again");
        }
        String entityId = before.entityId();
        int n = Math.min(answer.results().size(), operations.size());
        if (answer.results().size() > operations.size()) {
            LOG.warn("entity '{}': the SDK worker's answer has {} results for {} operations; the extra ones are ignored",
                    entityId, answer.results().size(), operations.size());
        }
        List<Long> done = new ArrayList<>(n);
        List<OrchestrationMessage> sends = new ArrayList<>();
        long inputOffset = before.inputOffset();
        for (int i = 0; i < n; i++) {
            EntityBatch.Queued q = operations.get(i);
            CompleteEntityWork.Result r = answer.results().get(i);
            done.add(q.offset());
            inputOffset = Math.max(inputOffset, q.offset());
            switch (q.message()) {
                case CallEntity c -> sends.add(r.failure() == null
                        ? new CompleteEntityOperation(c.callerInstanceId(), c.callerExecutionId(), c.taskId(),
                        r.result() == null ? NullNode.getInstance() : r.result())
                        : new FailEntityOperation(c.callerInstanceId(), c.callerExecutionId(), c.taskId(), r.failure()));
                case SignalEntity s -> {
                    if (r.failure() != null) {
                        LOG.warn("entity '{}': signaled operation '{}' failed (its state change was rolled back): {}",
                                entityId, s.operation(), r.failure().errorMessage());
                    }
                }
                default -> {
                    // only operations are planned
                }
            }
        }
        if (n > 0) {
            sends.addAll(actions(entityId, answer.actions(), now));
        }
        JsonNode state = n > 0 ? answer.state() : before.state();
        if (state != null && (state.isNull() || state.isMissingNode())) {
            state = null;
        }
        Instant created = state == null ? null : before.state() == null ? now : before.createdTime();
        EntityState after = new EntityState(entityId, state, before.lockedBy(), before.releasedLocks(), created,
                n > 0 ? now : before.lastModifiedTime(), before.operationCount() + n, inputOffset, before.queueHead(),
                new EntityState.SdkWork(before.sdkWork().seq(), List.of(), null));
        return new Applied(after, done, sends);
    }

    /** The operations' actions as our messages; one that cannot be carried out is logged and left out. */
    static List<OrchestrationMessage> actions(String entityId, List<CompleteEntityWork.Action> actions, Instant now) {
        List<OrchestrationMessage> sends = new ArrayList<>(actions.size());
        for (CompleteEntityWork.Action a : actions) {
            String refused = null;
            if (a.instanceId() == null || a.instanceId().isEmpty() || a.name() == null || a.name().isEmpty()) {
                refused = "no target or name";
            } else if (CompleteEntityWork.Action.SIGNAL.equals(a.kind())) {
                if (!EntityInstanceId.isEntityId(a.instanceId())) {
                    refused = "'" + a.instanceId() + "' is not an entity ID (@name@key)";
                } else {
                    sends.add(new SignalEntity(a.instanceId(), a.name(), a.input(), a.scheduledTime(), entityId));
                }
            } else if (CompleteEntityWork.Action.START.equals(a.kind())) {
                if (EntityInstanceId.isEntityId(a.instanceId())) {
                    refused = "orchestration instance IDs must not start with '@'";
                } else {
                    sends.add(new StartOrchestration(a.instanceId(), a.name(), a.input(), null, a.scheduledTime(), now));
                }
            } else {
                refused = "unknown kind '" + a.kind() + "'";
            }
            if (refused != null) {
                LOG.warn("entity '{}': dropping an action of the SDK worker ({}): {}", entityId, refused, a);
            }
        }
        return sends;
    }

    /** The outstanding operations, in the work item's order, from what the queue holds. */
    static List<EntityBatch.Queued> outstanding(EntityState entity, List<EntityBatch.Queued> queue) {
        List<EntityBatch.Queued> ops = new ArrayList<>();
        for (long offset : entity.sdkWork().offsets()) {
            for (EntityBatch.Queued q : queue) {
                if (q.offset() == offset) {
                    ops.add(q);
                    break;
                }
            }
        }
        return ops;
    }
}
