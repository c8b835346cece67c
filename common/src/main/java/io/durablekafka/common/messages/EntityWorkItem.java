package io.durablekafka.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Work for an out-of-process (SDK) worker: run the operations of entity {@code entityId} ({@code @name@key}) one after
 * the other on {@code state}. The value of a record on {@code dk.<hub>.sdk-entity-work} (key = entity ID), written by
 * the node that owns the entity; answered with {@link CompleteEntityWork} on {@code orchestrations} carrying the same
 * {@code workSeq} and request IDs, which identify the batch. A work item may be delivered more than once; the node
 * applies one answer per {@code workSeq}. Locks never appear here: the node handles them.
 *
 * @param state      the entity's state before the batch (null: it has none)
 * @param operations the operations, in the order they run
 */
@JsonIgnoreProperties(value = {"type", "v"}, allowGetters = true, ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntityWorkItem(String entityId, long workSeq, JsonNode state, List<Operation> operations) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * One operation of the batch.
     *
     * @param requestId the operation's ID within the entity (the queue position of the message that brought it)
     * @param isCall    whether an orchestration waits for its result (a call), else a one-way signal
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Operation(String requestId, String operation, JsonNode input, boolean isCall) {
    }

    public EntityWorkItem {
        operations = operations == null ? List.of() : List.copyOf(operations);
    }

    /** The request IDs of the operations, in order: with {@code workSeq}, what an answer must name. */
    public List<String> requestIds() {
        return operations.stream().map(Operation::requestId).toList();
    }

    @JsonProperty("type")
    public String type() {
        return "EntityWorkItem";
    }

    @JsonProperty("v")
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
