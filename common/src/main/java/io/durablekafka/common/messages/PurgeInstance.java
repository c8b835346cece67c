package io.durablekafka.common.messages;

/**
 * Deletes everything of an ended instance: state, history, timers, and (with tombstones) its entries on the
 * compacted status and history topics. Dead-lettered when the instance is still active.
 */
public record PurgeInstance(String instanceId) implements OrchestrationMessage {
}
