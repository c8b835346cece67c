package io.durablekafka.common.messages;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import java.util.List;

/**
 * An SDK worker's answer to an {@link OrchestratorWorkItem}, relayed by a gateway: what the orchestrator code asked
 * for, in our model. The node applies it only when it answers the work item the instance is waiting for (same
 * execution, same {@code workSeq}); a stale or duplicate answer is ignored.
 *
 * @param actions      the scheduling events of what the code asked for, in order ({@code TaskScheduled},
 *                     {@code TimerCreated}, {@code SubOrchestrationInstanceCreated}, {@code EventSent}, and the entity
 *                     events {@code EntityOperationCalled}, {@code EntityOperationSignaled}, {@code EntityLockRequested},
 *                     {@code EntityUnlockSent} with the SDK's requestId / criticalSectionId), each with the task ID the
 *                     SDK gave it; the node turns them into actions and records them with its own time
 * @param customStatus the custom status the code set (null: none)
 * @param completion   how the execution ended ({@code ExecutionCompleted}: Completed, Failed or ContinuedAsNew, whose
 *                     result is the new input), or null while it runs
 * @param carriedOver  external events carried over to the new execution (continue-as-new only)
 */
public record CompleteOrchestratorWork(String instanceId, String executionId, long workSeq,
                                       List<HistoryEvent> actions, JsonNode customStatus,
                                       HistoryEvent.ExecutionCompleted completion,
                                       List<HistoryEvent.EventRaised> carriedOver) implements OrchestrationMessage {

    public CompleteOrchestratorWork {
        actions = actions == null ? List.of() : List.copyOf(actions);
        carriedOver = carriedOver == null ? List.of() : List.copyOf(carriedOver);
    }
}
