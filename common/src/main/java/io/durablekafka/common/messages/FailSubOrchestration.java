package io.durablekafka.common.messages;

import io.durablekafka.common.status.FailureDetails;

/** Sent to the parent when the sub-orchestration it waits under {@code taskId} fails or is terminated. */
public record FailSubOrchestration(String instanceId, String executionId, int taskId, FailureDetails failure)
        implements OrchestrationMessage {
}
