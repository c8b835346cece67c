package io.durablekafka.common.messages;

import com.fasterxml.jackson.databind.JsonNode;

/** An activity finished; a result for a task that is not open (a duplicate delivery) is ignored. */
public record CompleteTask(String instanceId, String executionId, int taskId, JsonNode result)
        implements OrchestrationMessage {
}
