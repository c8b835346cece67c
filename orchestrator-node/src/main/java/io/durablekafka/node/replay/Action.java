package io.durablekafka.node.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import java.time.Instant;
import java.util.List;

/**
 * Something orchestrator code asked for, in the order it asked. Each action has the task ID it was given and
 * corresponds to exactly one scheduling event in history ({@link #toEvent}), which is how replay checks determinism.
 * What each action sends out is decided elsewhere, in one place: {@code io.durablekafka.node.instance.ActionDispatcher}.
 */
public sealed interface Action {

    int taskId();

    /** The history event that records this action, taken at {@code now}. */
    HistoryEvent toEvent(Instant now);

    /** A short description for non-determinism messages, e.g. "activity 'SayHello'". */
    String describe();

    /** True when {@code recorded} is the history event this action produced when it was first taken. */
    boolean matches(HistoryEvent recorded);

    record ScheduleActivity(int taskId, String name, JsonNode input, String taskQueue) implements Action {
        public HistoryEvent toEvent(Instant now) {
            return new HistoryEvent.TaskScheduled(now, taskId, name, input);
        }

        public String describe() {
            return "activity '" + name + "'";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.TaskScheduled s && s.taskId() == taskId && s.name().equals(name);
        }
    }

    record CreateTimer(int taskId, Instant fireAt) implements Action {
        public HistoryEvent toEvent(Instant now) {
            return new HistoryEvent.TimerCreated(now, taskId, fireAt);
        }

        public String describe() {
            return "timer";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.TimerCreated t && t.taskId() == taskId;
        }
    }

    record StartSubOrchestration(int taskId, String name, String instanceId, JsonNode input) implements Action {
        public HistoryEvent toEvent(Instant now) {
            return new HistoryEvent.SubOrchestrationInstanceCreated(now, taskId, name, instanceId, input);
        }

        public String describe() {
            return "sub-orchestration '" + name + "'";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.SubOrchestrationInstanceCreated s && s.taskId() == taskId
                    && s.name().equals(name);
        }
    }

    record SendEvent(int taskId, String instanceId, String name, JsonNode input) implements Action {
        public HistoryEvent toEvent(Instant now) {
            return new HistoryEvent.EventSent(now, taskId, instanceId, name, input);
        }

        public String describe() {
            return "event '" + name + "' to '" + instanceId + "'";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.EventSent s && s.taskId() == taskId && s.name().equals(name)
                    && s.instanceId().equals(instanceId);
        }
    }

    /**
     * A call of an entity operation whose result the orchestration awaits under {@code taskId}. {@code requestId}: an
     * SDK worker's ID of the call, kept in history for the protocol's correlation (null for in-process code).
     */
    record CallEntityOperation(int taskId, String entityId, String operation, JsonNode input, String requestId)
            implements Action {
        public CallEntityOperation(int taskId, String entityId, String operation, JsonNode input) {
            this(taskId, entityId, operation, input, null);
        }

        public HistoryEvent toEvent(Instant now) {
            return new HistoryEvent.EntityOperationCalled(now, taskId, entityId, operation, input, requestId);
        }

        public String describe() {
            return "call of operation '" + operation + "' on entity '" + entityId + "'";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.EntityOperationCalled c && c.taskId() == taskId
                    && c.entityId().equals(entityId) && c.operation().equals(operation);
        }
    }

    /**
     * A one-way signal to an entity (consumes a task ID like an event sent, so replay can check it). {@code requestId}
     * as for {@link CallEntityOperation}.
     */
    record SignalEntityOperation(int taskId, String entityId, String operation, JsonNode input, Instant scheduledTime,
                                 String requestId) implements Action {
        public SignalEntityOperation(int taskId, String entityId, String operation, JsonNode input, Instant scheduledTime) {
            this(taskId, entityId, operation, input, scheduledTime, null);
        }

        public HistoryEvent toEvent(Instant now) {
            return new HistoryEvent.EntityOperationSignaled(now, taskId, entityId, operation, input, scheduledTime,
                    requestId);
        }

        public String describe() {
            return "signal of operation '" + operation + "' to entity '" + entityId + "'";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.EntityOperationSignaled s && s.taskId() == taskId
                    && s.entityId().equals(entityId) && s.operation().equals(operation);
        }
    }

    /**
     * Asks for the locks of {@code entities} (sorted entity IDs); the grant completes task {@code taskId}.
     * {@code criticalSectionId}: an SDK worker's ID of the critical section (null for in-process code).
     */
    record LockEntities(int taskId, List<String> entities, String criticalSectionId) implements Action {
        public LockEntities(int taskId, List<String> entities) {
            this(taskId, entities, null);
        }

        public HistoryEvent toEvent(Instant now) {
            return new HistoryEvent.EntityLockRequested(now, taskId, entities, criticalSectionId);
        }

        public String describe() {
            return "lock of entities " + entities;
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.EntityLockRequested l && l.taskId() == taskId
                    && l.lockSet().equals(entities);
        }
    }

    /**
     * Closes the critical section opened by the lock under {@code lockTaskId}: releases the locks of
     * {@code entities}, every one for in-process code; an SDK worker sends one unlock per entity of the set, all in
     * one answer (checked by the node's {@code SdkWorkItems}), under its {@code criticalSectionId}.
     */
    record UnlockEntities(int taskId, int lockTaskId, List<String> entities, String criticalSectionId) implements Action {
        public UnlockEntities(int taskId, int lockTaskId, List<String> entities) {
            this(taskId, lockTaskId, entities, null);
        }

        public HistoryEvent toEvent(Instant now) {
            return new HistoryEvent.EntityUnlockSent(now, taskId, entities, criticalSectionId);
        }

        public String describe() {
            return "unlock of entities " + entities;
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.EntityUnlockSent u && u.taskId() == taskId
                    && u.lockSet().equals(entities);
        }
    }

    /** Describes a recorded scheduling event the same way {@link #describe()} does, for error messages. */
    static String describe(HistoryEvent recorded) {
        return switch (recorded) {
            case HistoryEvent.TaskScheduled s -> "activity '" + s.name() + "'";
            case HistoryEvent.TimerCreated t -> "timer";
            case HistoryEvent.SubOrchestrationInstanceCreated s -> "sub-orchestration '" + s.name() + "'";
            case HistoryEvent.EventSent s -> "event '" + s.name() + "' to '" + s.instanceId() + "'";
            case HistoryEvent.EntityOperationCalled c -> "call of operation '" + c.operation() + "' on entity '" + c.entityId() + "'";
            case HistoryEvent.EntityOperationSignaled s -> "signal of operation '" + s.operation() + "' to entity '" + s.entityId() + "'";
            case HistoryEvent.EntityLockRequested l -> "lock of entities " + l.lockSet();
            case HistoryEvent.EntityUnlockSent u -> "unlock of entities " + u.lockSet();
            default -> recorded.getClass().getSimpleName();
        };
    }

    static boolean isScheduling(HistoryEvent e) {
        return e instanceof HistoryEvent.TaskScheduled || e instanceof HistoryEvent.TimerCreated
                || e instanceof HistoryEvent.SubOrchestrationInstanceCreated || e instanceof HistoryEvent.EventSent
                || e instanceof HistoryEvent.EntityOperationCalled || e instanceof HistoryEvent.EntityOperationSignaled
                || e instanceof HistoryEvent.EntityLockRequested || e instanceof HistoryEvent.EntityUnlockSent;
    }
}
