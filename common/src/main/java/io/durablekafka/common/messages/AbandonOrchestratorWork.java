package io.durablekafka.common.messages;

/**
 * A gateway gave up on an {@link OrchestratorWorkItem} (its worker disconnected or abandoned it): the node issues the
 * instance's work again at once instead of waiting for the work item's timeout. Stale ones are ignored.
 */
public record AbandonOrchestratorWork(String instanceId, String executionId, long workSeq)
        implements OrchestrationMessage {
}
