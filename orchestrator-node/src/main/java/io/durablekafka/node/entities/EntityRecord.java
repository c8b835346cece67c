package io.durablekafka.node.entities;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One entity in the node's {@code entities} store: its state and its lock. Operations waiting to run are kept
 * apart, in the {@link EntityQueueStore}.
 *
 * @param state           the entity's state; null when it has none (it does not exist)
 * @param lockedBy        the critical section holding the entity's lock, or null
 * @param releasedLocks   owners whose release came before their lock request; the request passes through
 * @param operationCount  operations run so far (seeds deterministic IDs of orchestrations the entity starts)
 * @param statusPublished true while the {@code status} topic has a record for the entity (false after a tombstone)
 * @param inputOffset     offset of the last input record applied
 * @param queueHead       every message of the entity's queue is at this offset or later: scans of the queue start
 *                        here, past the deleted entries RocksDB would otherwise step over
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntityRecord(String entityId, JsonNode state, LockOwner lockedBy, List<LockOwner> releasedLocks,
                           Instant createdTime, Instant lastModifiedTime, long operationCount, boolean statusPublished,
                           long inputOffset, long queueHead) {

    public EntityRecord {
        if (state != null && (state.isNull() || state.isMissingNode())) {
            state = null;
        }
        releasedLocks = releasedLocks == null ? List.of() : List.copyOf(releasedLocks);
    }

    static EntityRecord empty(String entityId) {
        return new EntityRecord(entityId, null, null, List.of(), null, null, 0, false, -1, 0);
    }

    /** The orchestration execution and lock task of a critical section. */
    public record LockOwner(String instanceId, String executionId, int taskId) {
    }
}
