package io.durablekafka.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.status.FailureDetails;
import java.time.Instant;
import java.util.List;

/**
 * An SDK worker's answer to an {@link EntityWorkItem}, relayed by a gateway. The node applies it only when it answers
 * the entity's outstanding work item (same {@code workSeq}, same {@code requestIds}); a stale or duplicate one is
 * ignored.
 *
 * @param requestIds the work item's request IDs (the gateway copies them from the work item it handed out)
 * @param results    one per operation run, in order; fewer than the operations: the rest did not run and stay queued
 * @param state      the entity's state after the operations (null: the entity was deleted)
 * @param actions    what the operations that succeeded sent, in order
 * @param failure    set when the worker could not run the batch at all: nothing is applied, the batch runs again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompleteEntityWork(String instanceId, long workSeq, List<String> requestIds, List<Result> results,
                                 JsonNode state, List<Action> actions, FailureDetails failure)
        implements EntityWorkAnswer {

    public CompleteEntityWork {
        requestIds = requestIds == null ? List.of() : List.copyOf(requestIds);
        results = results == null ? List.of() : List.copyOf(results);
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    /** An operation's outcome: its result (JSON, null for none) or its failure. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(JsonNode result, FailureDetails failure) {
    }

    /**
     * Something an operation sent: a signal to an entity ({@code kind} {@code signal}: {@code instanceId} the entity
     * ID, {@code name} the operation) or the start of an orchestration ({@code kind} {@code start}: {@code instanceId}
     * the new instance's ID, {@code name} the orchestration), with the input and an optional scheduled time.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Action(String kind, String instanceId, String name, JsonNode input, Instant scheduledTime) {
        public static final String SIGNAL = "signal";
        public static final String START = "start";
    }
}
