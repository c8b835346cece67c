package io.durablekafka.common.messages;

import com.fasterxml.jackson.databind.JsonNode;

/** Sent to the parent (the record's key) when the sub-orchestration it waits under {@code taskId} completes. */
public record CompleteSubOrchestration(String instanceId, String executionId, int taskId, JsonNode result)
        implements OrchestrationMessage {
}
