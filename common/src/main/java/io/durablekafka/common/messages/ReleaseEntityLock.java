package io.durablekafka.common.messages;

/**
 * Releases the lock entity {@code instanceId} holds for owner {@code ownerInstanceId}/{@code ownerExecutionId}
 * (lock task {@code taskId}): sent to every entity of the lock set when the critical section closes, and when
 * the owner ends (completes, fails, is terminated or continues as new) inside it. A release that arrives
 * before its lock request cancels that request.
 */
public record ReleaseEntityLock(String instanceId, String ownerInstanceId, String ownerExecutionId, int taskId)
        implements EntityMessage {
}
