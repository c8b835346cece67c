package io.durablekafka.common.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One durable entity in the node's state store (key {@link StoreKeys#entity}): its state and its lock. Messages
 * waiting to run are kept apart, under {@link StoreKeys#queue} keys. The gateways read it from the changelog.
 *
 * @param state          the entity's state; null when it has none (it does not exist)
 * @param lockedBy       the critical section holding the entity's lock, or null
 * @param releasedLocks  owners whose release came before their lock request; the request passes through
 * @param operationCount operations run so far (seeds deterministic IDs of orchestrations the entity starts)
 * @param inputOffset    offset of the last input record applied
 * @param queueHead      every message of the entity's queue is at this offset or later: scans of the queue start
 *                       here, past the deleted entries RocksDB would otherwise step over
 * @param sdkWork        the entity's batch out with an SDK worker, for entities run by SDK workers (null: none ever)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntityState(String entityId, JsonNode state, EntityLockHolder lockedBy, List<EntityLockHolder> releasedLocks,
                          Instant createdTime, Instant lastModifiedTime, long operationCount, long inputOffset,
                          long queueHead, SdkWork sdkWork) {

    /** Without SDK work (entities run in process). */
    public EntityState(String entityId, JsonNode state, EntityLockHolder lockedBy, List<EntityLockHolder> releasedLocks,
                       Instant createdTime, Instant lastModifiedTime, long operationCount, long inputOffset,
                       long queueHead) {
        this(entityId, state, lockedBy, releasedLocks, createdTime, lastModifiedTime, operationCount, inputOffset,
                queueHead, null);
    }

    /**
     * The work item of an entity run by SDK workers: its sequence number (the last one issued, kept after the answer
     * so the next one is newer), the queue positions of its operations (empty: none outstanding) and the deadline after
     * which it is issued again.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SdkWork(long seq, List<Long> offsets, Instant deadline) {
        public SdkWork {
            offsets = offsets == null ? List.of() : List.copyOf(offsets);
        }

        public boolean outstanding() {
            return !offsets.isEmpty();
        }
    }

    /** The same entity with {@code work} as its SDK work. */
    public EntityState withSdkWork(SdkWork work) {
        return new EntityState(entityId, state, lockedBy, releasedLocks, createdTime, lastModifiedTime, operationCount,
                inputOffset, queueHead, work);
    }

    public EntityState {
        if (state != null && (state.isNull() || state.isMissingNode())) {
            state = null;
        }
        releasedLocks = releasedLocks == null ? List.of() : List.copyOf(releasedLocks);
    }

    public static EntityState empty(String entityId) {
        return new EntityState(entityId, null, null, List.of(), null, null, 0, -1, 0, null);
    }

    /** An entity exists while it has state. */
    public boolean exists() {
        return state != null;
    }
}
