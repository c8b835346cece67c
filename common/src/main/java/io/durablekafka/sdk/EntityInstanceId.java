package io.durablekafka.sdk;

import java.util.Locale;
import java.util.Objects;

/**
 * The identity of a durable entity: its entity (type) name and its key. As in Durable Functions the name is
 * case-insensitive (kept in lower case) and the instance ID is {@code @name@key}; that string is the Kafka key of
 * the entity's records, so an entity lives in one partition and is owned by one node, like an orchestration.
 */
public record EntityInstanceId(String name, String key) implements Comparable<EntityInstanceId> {

    /**
     * The first character of every entity ID, and so its first UTF-8 byte: in a store ordered by ID, entities are
     * the one key range from this byte up to (excluding) the next.
     */
    public static final byte ID_START = '@';

    public EntityInstanceId {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("entity name must not be empty");
        }
        if (name.indexOf('@') >= 0) {
            throw new IllegalArgumentException("entity name '" + name + "' must not contain '@'");
        }
        Objects.requireNonNull(key, "entity key must not be null");
        name = name.toLowerCase(Locale.ROOT);
    }

    /** True for instance IDs of entities ({@code @name@key}); orchestration instance IDs never start with '@'. */
    public static boolean isEntityId(String instanceId) {
        return instanceId != null && !instanceId.isEmpty() && instanceId.charAt(0) == ID_START;
    }

    /**
     * Parses {@code @name@key}. The key may contain '@'. Throws IllegalArgumentException for anything else,
     * including names that are not in lower case (a name must be spelled the way {@link #toString()} writes it).
     */
    public static EntityInstanceId parse(String instanceId) {
        if (!isEntityId(instanceId)) {
            throw new IllegalArgumentException("'" + instanceId + "' is not an entity ID (@name@key)");
        }
        int second = instanceId.indexOf('@', 1);
        if (second <= 1) {
            throw new IllegalArgumentException("'" + instanceId + "' is not an entity ID (@name@key)");
        }
        String name = instanceId.substring(1, second);
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("entity ID '" + instanceId + "': the entity name must be in lower case ('@"
                    + name.toLowerCase(Locale.ROOT) + "@" + instanceId.substring(second + 1) + "')");
        }
        return new EntityInstanceId(name, instanceId.substring(second + 1));
    }

    /** {@code @name@key}. */
    @Override
    public String toString() {
        return "@" + name + "@" + key;
    }

    @Override
    public int compareTo(EntityInstanceId other) {
        return toString().compareTo(other.toString());
    }
}
