package io.durablekafka.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Asks a worker to run activity {@code name}; the value of a record on a task-queue topic (key = instance
 * ID). The worker answers with {@link CompleteTask} or {@link FailTask} on the orchestrations topic. The same
 * request may be delivered more than once (activities are at-least-once).
 */
@JsonIgnoreProperties(value = {"type", "v"}, allowGetters = true, ignoreUnknown = true)
public record ActivityRequest(String instanceId, String executionId, int taskId, String name, JsonNode input) {

    public static final int SCHEMA_VERSION = 1;

    @JsonProperty("type")
    public String type() {
        return "ActivityRequest";
    }

    @JsonProperty("v")
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
