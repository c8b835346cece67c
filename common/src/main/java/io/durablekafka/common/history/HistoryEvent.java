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
})
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public sealed interface HistoryEvent {

    Instant timestamp();

    /** Marks the start of one episode of execution; its timestamp is the orchestration's current time. */
    record OrchestratorStarted(Instant timestamp) implements HistoryEvent {
    }

    record ExecutionStarted(Instant timestamp, String name, String executionId, JsonNode input,
                            String parentInstanceId, String parentExecutionId, Integer parentTaskId)
            implements HistoryEvent {
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
}
