package io.durablekafka.common.messages;

/** Sent by the last entity of a critical section's lock set to the owner: every entity is locked. */
public record GrantEntityLock(String instanceId, String executionId, int taskId) implements EntityAnswer {
}
