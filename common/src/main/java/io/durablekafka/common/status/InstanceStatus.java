package io.durablekafka.common.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The latest state of one orchestration instance as clients see it; the value of the compacted
 * {@code status} topic (a tombstone means the instance was purged). Written only by the orchestrator node
 * that owns the instance.
 *
 * @param historySize number of history events of the current execution
 * @param inputOffset offset, in the instance's {@code orchestrations} partition, of the last input record
 *                    this status reflects (-1 if none): a reader that has seen a {@code StartOrchestration}
 *                    at a higher offset knows this status is older than that start.
 * @param version     (contract 6) the orchestration version the instance was started with; absent when none
 * @param tags        (contract 6) the tags the instance was started with; absent when none
 */
@JsonIgnoreProperties(value = {"type", "v"}, allowGetters = true, ignoreUnknown = true)
public record InstanceStatus(
        String instanceId,
        String name,
        String executionId,
        RuntimeStatus runtimeStatus,
        JsonNode input,
        JsonNode output,
        JsonNode customStatus,
        FailureDetails failureDetails,
        Instant createdTime,
        Instant lastUpdatedTime,
        String parentInstanceId,
        long historySize,
        long inputOffset,
        @JsonInclude(JsonInclude.Include.NON_NULL) String version,
        @JsonInclude(JsonInclude.Include.NON_NULL) java.util.Map<String, String> tags) {

    public InstanceStatus {
        tags = tags == null || tags.isEmpty() ? null : java.util.Map.copyOf(tags);
    }

    /** A status without a version or tags. */
    public InstanceStatus(String instanceId, String name, String executionId, RuntimeStatus runtimeStatus,
                          JsonNode input, JsonNode output, JsonNode customStatus, FailureDetails failureDetails,
                          Instant createdTime, Instant lastUpdatedTime, String parentInstanceId, long historySize,
                          long inputOffset) {
        this(instanceId, name, executionId, runtimeStatus, input, output, customStatus, failureDetails, createdTime,
                lastUpdatedTime, parentInstanceId, historySize, inputOffset, null, null);
    }

    public static final int SCHEMA_VERSION = 1;

    @JsonProperty("type")
    public String type() {
        return "InstanceStatus";
    }

    @JsonProperty("v")
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
