package io.durablekafka.common.messages;

import java.util.List;

/**
 * Asks entity {@code instanceId} ({@code lockSet.get(position)}) for its lock on behalf of the orchestration
 * {@code ownerInstanceId}/{@code ownerExecutionId}, whose lock task is {@code taskId}. {@code lockSet} holds every
 * entity of the critical section in sorted order; the request travels through them in that order (each entity
 * passes it on once it is locked), and the last one sends {@link GrantEntityLock} to the owner. Acquiring in a
 * global order means two critical sections can never wait for each other.
 */
public record RequestEntityLock(String instanceId, String ownerInstanceId, String ownerExecutionId, int taskId,
                                List<String> lockSet, int position) implements EntityMessage {

    public RequestEntityLock {
        lockSet = lockSet == null ? List.of() : List.copyOf(lockSet);
    }
}
