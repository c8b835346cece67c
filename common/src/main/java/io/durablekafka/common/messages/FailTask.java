package io.durablekafka.common.messages;

import io.durablekafka.common.status.FailureDetails;

/** An activity threw; the orchestration sees a TaskFailedException carrying {@code failure}. */
public record FailTask(String instanceId, String executionId, int taskId, FailureDetails failure)
        implements OrchestrationMessage {
}
