package io.durablekafka.common.history;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;

/**
 * One event of an orchestration's history, in the Durable Task model. History is append-only: the node
 * stores it under (instance, sequence) keys and replays it to rebuild an execution; the gateway shows it
 * with {@code showHistory=true}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "eventType")
@JsonSubTypes({
        @JsonSubTypes.Type(value = HistoryEvent.OrchestratorStarted.class, name = "OrchestratorStarted"),
        @JsonSubTypes.Type(value = HistoryEvent.ExecutionStarted.class, name = "ExecutionStarted"),
        @JsonSubTypes.Type(value = HistoryEvent.TaskScheduled.class, name = "TaskScheduled"),
        @JsonSubTypes.Type(value = HistoryEvent.TaskCompleted.class, name = "TaskCompleted"),
        @JsonSubTypes.Type(value = HistoryEvent.TaskFailed.class, name = "TaskFailed"),
        @JsonSubTypes.Type(value = HistoryEvent.TimerCreated.class, name = "TimerCreated"),
        @JsonSubTypes.Type(value = HistoryEvent.TimerFired.class, name = "TimerFired"),
        @JsonSubTypes.Type(value = HistoryEvent.SubOrchestrationInstanceCreated.class, name = "SubOrchestrationInstanceCreated"),
        @JsonSubTypes.Type(value = HistoryEvent.SubOrchestrationInstanceCompleted.class, name = "SubOrchestrationInstanceCompleted"),
        @JsonSubTypes.Type(value = HistoryEvent.SubOrchestrationInstanceFailed.class, name = "SubOrchestrationInstanceFailed"),
        @JsonSubTypes.Type(value = HistoryEvent.EventRaised.class, name = "EventRaised"),
        @JsonSubTypes.Type(value = HistoryEvent.EventSent.class, name = "EventSent"),
        @JsonSubTypes.Type(value = HistoryEvent.ExecutionCompleted.class, name = "ExecutionCompleted"),
        @JsonSubTypes.Type(value = HistoryEvent.ExecutionTerminated.class, name = "ExecutionTerminated"),
        @JsonSubTypes.Type(value = HistoryEvent.ExecutionSuspended.class, name = "ExecutionSuspended"),
        @JsonSubTypes.Type(value = HistoryEvent.ExecutionResumed.class, name = "ExecutionResumed"),
        @JsonSubTypes.Type(value = HistoryEvent.EntityOperationCalled.class, name = "EntityOperationCalled"),
        @JsonSubTypes.Type(value = HistoryEvent.EntityOperationSignaled.class, name = "EntityOperationSignaled"),
        @JsonSubTypes.Type(value = HistoryEvent.EntityOperationCompleted.class, name = "EntityOperationCompleted"),
        @JsonSubTypes.Type(value = HistoryEvent.EntityOperationFailed.class, name = "EntityOperationFailed"),
        @JsonSubTypes.Type(value = HistoryEvent.EntityLockRequested.class, name = "EntityLockRequested"),
        @JsonSubTypes.Type(value = HistoryEvent.EntityLockGranted.class, name = "EntityLockGranted"),
        @JsonSubTypes.Type(value = HistoryEvent.EntityUnlockSent.class, name = "EntityUnlockSent"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public sealed interface HistoryEvent {

    Instant timestamp();

    /** Marks the start of one episode of execution; its timestamp is the orchestration's current time. */
    record OrchestratorStarted(Instant timestamp) implements HistoryEvent {
    }

    /** {@code version} and {@code tags}: the start's (null: none), as the Durable Task protocol's event has them. */
    record ExecutionStarted(Instant timestamp, String name, String executionId, JsonNode input,
                            String parentInstanceId, String parentExecutionId, Integer parentTaskId,
                            String version, java.util.Map<String, String> tags)
            implements HistoryEvent {

        public ExecutionStarted {
            tags = tags == null || tags.isEmpty() ? null : java.util.Map.copyOf(tags);
        }

        /** Without a version or tags. */
        public ExecutionStarted(Instant timestamp, String name, String executionId, JsonNode input,
                                String parentInstanceId, String parentExecutionId, Integer parentTaskId) {
            this(timestamp, name, executionId, input, parentInstanceId, parentExecutionId, parentTaskId, null, null);
        }
    }

    record TaskScheduled(Instant timestamp, int taskId, String name, JsonNode input) implements HistoryEvent {
    }

    record TaskCompleted(Instant timestamp, int taskScheduledId, JsonNode result) implements HistoryEvent {
    }

    record TaskFailed(Instant timestamp, int taskScheduledId, FailureDetails failure) implements HistoryEvent {
    }

    record TimerCreated(Instant timestamp, int taskId, Instant fireAt) implements HistoryEvent {
    }

    record TimerFired(Instant timestamp, int timerId, Instant fireAt) implements HistoryEvent {
    }

    record SubOrchestrationInstanceCreated(Instant timestamp, int taskId, String name, String instanceId,
                                           JsonNode input) implements HistoryEvent {
    }

    record SubOrchestrationInstanceCompleted(Instant timestamp, int taskScheduledId, JsonNode result)
            implements HistoryEvent {
    }

    record SubOrchestrationInstanceFailed(Instant timestamp, int taskScheduledId, FailureDetails failure)
            implements HistoryEvent {
    }

    record EventRaised(Instant timestamp, String name, JsonNode input) implements HistoryEvent {
    }

    record EventSent(Instant timestamp, int taskId, String instanceId, String name, JsonNode input)
            implements HistoryEvent {
    }

    /** The execution ended: Completed, Failed or ContinuedAsNew (then {@code result} is the new input). */
    record ExecutionCompleted(Instant timestamp, RuntimeStatus orchestrationStatus, JsonNode result,
                              FailureDetails failure) implements HistoryEvent {
    }

    record ExecutionTerminated(Instant timestamp, String reason) implements HistoryEvent {
    }

    record ExecutionSuspended(Instant timestamp, String reason) implements HistoryEvent {
    }

    record ExecutionResumed(Instant timestamp, String reason) implements HistoryEvent {
    }

    /**
     * The orchestration called operation {@code operation} of entity {@code entityId} ({@code @name@key}).
     * {@code requestId} is the SDK worker's ID of the call (the Durable Task protocol correlates the result by it):
     * kept so that the result can be given back under it; null for in-process code, which correlates by task ID.
     */
    record EntityOperationCalled(Instant timestamp, int taskId, String entityId, String operation, JsonNode input,
                                 String requestId) implements HistoryEvent {
        public EntityOperationCalled(Instant timestamp, int taskId, String entityId, String operation, JsonNode input) {
            this(timestamp, taskId, entityId, operation, input, null);
        }
    }

    /**
     * The orchestration signaled an entity (one-way), to run no earlier than {@code scheduledTime} if set.
     * {@code requestId}: the SDK worker's ID of the signal, as for {@link EntityOperationCalled} (null in process).
     */
    record EntityOperationSignaled(Instant timestamp, int taskId, String entityId, String operation, JsonNode input,
                                   Instant scheduledTime, String requestId) implements HistoryEvent {
        public EntityOperationSignaled(Instant timestamp, int taskId, String entityId, String operation, JsonNode input,
                                       Instant scheduledTime) {
            this(timestamp, taskId, entityId, operation, input, scheduledTime, null);
        }
    }

    record EntityOperationCompleted(Instant timestamp, int taskScheduledId, JsonNode result) implements HistoryEvent {
    }

    record EntityOperationFailed(Instant timestamp, int taskScheduledId, FailureDetails failure) implements HistoryEvent {
    }

    /**
     * The orchestration asked for the locks of {@code lockSet} (sorted entity IDs): a critical section starts.
     * {@code criticalSectionId} is the SDK worker's ID of the critical section (the protocol correlates the grant and
     * the unlocks by it); null for in-process code.
     */
    record EntityLockRequested(Instant timestamp, int taskId, java.util.List<String> lockSet, String criticalSectionId)
            implements HistoryEvent {
        public EntityLockRequested(Instant timestamp, int taskId, java.util.List<String> lockSet) {
            this(timestamp, taskId, lockSet, null);
        }
    }

    /** Every entity of the lock requested under {@code taskScheduledId} is locked for the orchestration. */
    record EntityLockGranted(Instant timestamp, int taskScheduledId) implements HistoryEvent {
    }

    /**
     * The critical section closed: the locks of {@code lockSet} were released. In-process code releases the whole set
     * with one event; an SDK worker sends one per entity (each with its own task ID, {@code lockSet} that entity),
     * under the {@code criticalSectionId} of its {@link EntityLockRequested} (null for in-process code).
     */
    record EntityUnlockSent(Instant timestamp, int taskId, java.util.List<String> lockSet, String criticalSectionId)
            implements HistoryEvent {
        public EntityUnlockSent(Instant timestamp, int taskId, java.util.List<String> lockSet) {
            this(timestamp, taskId, lockSet, null);
        }
    }
}
