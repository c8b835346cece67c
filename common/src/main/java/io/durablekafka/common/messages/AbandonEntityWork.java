package io.durablekafka.common.messages;

/**
 * A gateway gave up on an {@link EntityWorkItem} (its worker disconnected or abandoned it): the node issues the
 * entity's batch again at once instead of waiting for the work item's deadline. Stale ones are ignored.
 */
public record AbandonEntityWork(String instanceId, long workSeq) implements EntityWorkAnswer {
}
