package io.durablekafka.sdk;

/**
 * The state of an entity. An entity exists while it has state: the first operation creates it (implicitly), and
 * deleting the state deletes the entity.
 */
public interface TaskEntityState {

    boolean hasState();

    /** The state as {@code type}; null when the entity has none. */
    <T> T getState(Class<T> type);

    /** Replaces the state; {@code null} deletes it. */
    void setState(Object state);

    default void deleteState() {
        setState(null);
    }
}
