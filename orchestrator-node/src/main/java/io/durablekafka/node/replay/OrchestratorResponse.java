package io.durablekafka.node.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.status.FailureDetails;
import java.util.List;

/**
 * What the replay core made of an {@link OrchestratorRequest}.
 *
 * @param appended     the events to append to history, in order: the new events the execution accepted (duplicates
 *                     and strays left out), the scheduling event of each action right after the event that caused
 *                     it, and an ExecutionCompleted when the execution ended
 * @param actions      what the code asked for, in order: each becomes records through the dispatcher
 * @param customStatus the custom status the code set (null: none)
 * @param completion   how the execution ended, or null while it runs
 */
public record OrchestratorResponse(List<HistoryEvent> appended, List<Action> actions, JsonNode customStatus,
                                   Completion completion) {

    public OrchestratorResponse {
        appended = List.copyOf(appended);
        actions = List.copyOf(actions);
    }

    /** How an execution ended. */
    public sealed interface Completion {
    }

    public record Completed(JsonNode output) implements Completion {
    }

    public record Failed(FailureDetails failure) implements Completion {
    }

    /** The code called continueAsNew: a new execution starts with {@code input} and the events carried over. */
    public record ContinuedAsNew(JsonNode input, List<HistoryEvent.EventRaised> carriedOver) implements Completion {
        public ContinuedAsNew {
            carriedOver = List.copyOf(carriedOver);
        }
    }
}
