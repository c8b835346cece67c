package io.durablekafka.gateway.views;

import java.time.Instant;
import java.util.function.Supplier;

/** A durable entity met by a list walk: whether it exists (has a state) and the time of its last operation. */
public final class ListedEntity implements Listed<EntityView> {

    private final String entityId;
    private final boolean exists;
    private final Instant lastModifiedTime;
    private final Supplier<EntityView> view;

    ListedEntity(String entityId, boolean exists, Instant lastModifiedTime, Supplier<EntityView> view) {
        this.entityId = entityId;
        this.exists = exists;
        this.lastModifiedTime = lastModifiedTime;
        this.view = view;
    }

    @Override
    public String id() {
        return entityId;
    }

    public boolean exists() {
        return exists;
    }

    /** Null when the entity has none. */
    public Instant lastModifiedTime() {
        return lastModifiedTime;
    }

    /** The entity, or null when its stored record cannot be read (it is then left out). */
    @Override
    public EntityView view() {
        return view.get();
    }
}
