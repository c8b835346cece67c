package io.durablekafka.common.messages;

import io.durablekafka.common.status.FailureDetails;

/**
 * Sent by an entity to the orchestration whose {@link CallEntity} (under {@code taskId}) threw; the operation's
 * state change was rolled back. The orchestration sees an EntityOperationFailedException.
 */
public record FailEntityOperation(String instanceId, String executionId, int taskId, FailureDetails failure)
        implements EntityAnswer {
}
