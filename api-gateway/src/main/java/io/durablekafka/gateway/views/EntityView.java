package io.durablekafka.gateway.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.EntityLockHolder;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.sdk.EntityInstanceId;
import java.time.Instant;

/**
 * One durable entity as the gateway shows it: the node's record of it ({@link EntityState}), read from the
 * changelog of the nodes' state store.
 */
public record EntityView(EntityState entity) {

    public String entityId() {
        return entity.entityId();
    }

    /** The entity name (lower case). */
    public String name() {
        return EntityInstanceId.parse(entityId()).name();
    }

    /** The entity key. */
    public String key() {
        return EntityInstanceId.parse(entityId()).key();
    }

    /** An entity exists while it has a state. */
    public boolean exists() {
        return entity.exists();
    }

    /** The state, or null when the entity has none. */
    public JsonNode state() {
        return entity.state();
    }

    /** The critical section holding the entity's lock, or null. */
    public EntityLockHolder lockedBy() {
        return entity.lockedBy();
    }

    public Instant lastOperationTime() {
        return entity.lastModifiedTime();
    }

    /**
     * The entity as {@code GET instances/{entityId}} shows it: the status record nodes used to publish for entities
     * ({@code output} = the state, {@code customStatus} = {@code {"lockedBy": owner}} while locked, Running).
     */
    public InstanceStatus toStatus() {
        ObjectNode custom = null;
        if (lockedBy() != null) {
            custom = Json.MAPPER.createObjectNode().put("lockedBy", lockedBy().instanceId());
        }
        return new InstanceStatus(entityId(), name(), null, RuntimeStatus.Running, null, state(), custom, null,
                entity.createdTime(), entity.lastModifiedTime(), null, 0, entity.inputOffset());
    }
}
