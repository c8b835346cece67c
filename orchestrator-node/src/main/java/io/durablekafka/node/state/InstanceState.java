package io.durablekafka.node.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.StartOrchestration.ParentInstance;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.List;

/**
 * The small per-instance record of the node's {@code instances} store. History lives apart (append-only), so
 * a step rewrites only this record, whose size does not grow with history.
 *
 * @param deferred events that arrived while the instance was suspended, delivered on resume
 * @param timers   durable timers still pending, so that they can be removed when the instance ends
 * @param entityLock the entity locks the current execution holds or has asked for (null outside a critical
 *                   section), so that they can be released when the instance ends
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InstanceState(
        String instanceId,
        String name,
        String executionId,
        RuntimeStatus status,
        JsonNode input,
        JsonNode output,
        JsonNode customStatus,
        FailureDetails failure,
        Instant createdTime,
        Instant lastUpdatedTime,
        long historySize,
        ParentInstance parent,
        List<HistoryEvent> deferred,
        List<PendingTimer> timers,
        long inputOffset,
        EntityLockState entityLock) {

    public InstanceState {
        deferred = deferred == null ? List.of() : List.copyOf(deferred);
        timers = timers == null ? List.of() : List.copyOf(timers);
    }

    public record PendingTimer(int timerId, Instant fireAt) {
    }

    /** A critical section: the lock task's ID and the locked entities (sorted entity IDs). */
    public record EntityLockState(int taskId, List<String> entities) {
        public EntityLockState {
            entities = entities == null ? List.of() : List.copyOf(entities);
        }
    }

    public InstanceStatus toStatus() {
        return new InstanceStatus(instanceId, name, executionId, status, input, output, customStatus, failure,
                createdTime, lastUpdatedTime, parent == null ? null : parent.instanceId(), historySize, inputOffset);
    }
}
