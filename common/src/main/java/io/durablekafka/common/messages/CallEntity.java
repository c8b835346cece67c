package io.durablekafka.common.messages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs operation {@code operation} of entity {@code instanceId} for an orchestration that waits for the answer
 * under {@code taskId}: the entity answers with {@link CompleteEntityOperation} or {@link FailEntityOperation}
 * to {@code callerInstanceId}. Calls from the orchestration that holds the entity's lock run at once; other
 * messages wait until the lock is released.
 */
public record CallEntity(String instanceId, String operation, JsonNode input, String callerInstanceId,
                         String callerExecutionId, int taskId) implements EntityMessage {
}
