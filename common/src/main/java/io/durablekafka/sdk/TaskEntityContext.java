package io.durablekafka.sdk;

import java.time.Instant;

/**
 * What an entity operation can do besides changing state. Signals and orchestration starts are sent only when the
 * operation succeeds (they are dropped with the state change when it throws).
 */
public interface TaskEntityContext {

    EntityInstanceId getEntityId();

    /** Signals operation {@code operation} of entity {@code entity}, to run no earlier than {@code scheduledTime}. */
    void signalEntity(EntityInstanceId entity, String operation, Object input, Instant scheduledTime);

    default void signalEntity(EntityInstanceId entity, String operation, Object input) {
        signalEntity(entity, operation, input, null);
    }

    default void signalEntity(EntityInstanceId entity, String operation) {
        signalEntity(entity, operation, null, null);
    }

    /** Starts orchestration {@code name} as {@code instanceId} (a new deterministic ID when null); returns the ID. */
    String startNewOrchestration(String name, Object input, String instanceId);

    default String startNewOrchestration(String name, Object input) {
        return startNewOrchestration(name, input, null);
    }
}
