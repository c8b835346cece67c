package io.durablekafka.common.messages;

import com.fasterxml.jackson.databind.JsonNode;

/** Sent by an entity to the orchestration whose {@link CallEntity} (under {@code taskId}) it ran: the result. */
public record CompleteEntityOperation(String instanceId, String executionId, int taskId, JsonNode result)
        implements EntityAnswer {
}
