package io.durablekafka.sdk;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The orchestration's only window on the world: everything that must survive replay goes through here.
 * Shaped like Microsoft's durabletask-java {@code TaskOrchestrationContext}.
 */
public interface TaskOrchestrationContext {

    String getName();

    String getInstanceId();

    <V> V getInput(Class<V> type);

    /** The orchestration's deterministic current time (the time the current episode started). */
    Instant getCurrentInstant();

    /** True while the code is re-running steps already recorded in history. */
    boolean getIsReplaying();

    /** A deterministic UUID (name-based on instance ID, current time and a counter). */
    UUID newUUID();

    <V> Task<V> callActivity(String name, Object input, TaskOptions options, Class<V> returnType);

    default <V> Task<V> callActivity(String name, Object input, Class<V> returnType) {
        return callActivity(name, input, null, returnType);
    }

    default Task<Void> callActivity(String name, Object input) {
        return callActivity(name, input, null, Void.class);
    }

    default Task<Void> callActivity(String name) {
        return callActivity(name, null, null, Void.class);
    }

    <V> Task<V> callSubOrchestrator(String name, Object input, String instanceId, TaskOptions options,
                                    Class<V> returnType);

    default <V> Task<V> callSubOrchestrator(String name, Object input, Class<V> returnType) {
        return callSubOrchestrator(name, input, null, null, returnType);
    }

    default Task<Void> callSubOrchestrator(String name, Object input) {
        return callSubOrchestrator(name, input, null, null, Void.class);
    }

    Task<Void> createTimer(Duration delay);

    Task<Void> createTimer(ZonedDateTime fireAt);

    /**
     * Waits for external event {@code name} (case-insensitive). Events raised before the wait are buffered
     * and delivered in arrival order. With a timeout, the task fails with {@link TaskCanceledException}
     * when no event comes in time.
     */
    <V> Task<V> waitForExternalEvent(String name, Duration timeout, Class<V> dataType);

    default <V> Task<V> waitForExternalEvent(String name, Class<V> dataType) {
        return waitForExternalEvent(name, null, dataType);
    }

    default Task<Void> waitForExternalEvent(String name, Duration timeout) {
        return waitForExternalEvent(name, timeout, Void.class);
    }

    default Task<Void> waitForExternalEvent(String name) {
        return waitForExternalEvent(name, null, Void.class);
    }

    /** Sends event {@code name} to another orchestration instance (fire and forget). */
    void sendEvent(String instanceId, String name, Object data);

    // ------------------------------------------------------------------------------------------ entities

    /**
     * Calls operation {@code operation} of {@code entity} and returns its result (the entity is created by the
     * call if it does not exist). The task fails with {@link EntityOperationFailedException} when the operation
     * throws. Inside a critical section only locked entities may be called.
     */
    <V> Task<V> callEntity(EntityInstanceId entity, String operation, Object input, Class<V> returnType);

    default <V> Task<V> callEntity(EntityInstanceId entity, String operation, Class<V> returnType) {
        return callEntity(entity, operation, null, returnType);
    }

    default Task<Void> callEntity(EntityInstanceId entity, String operation, Object input) {
        return callEntity(entity, operation, input, Void.class);
    }

    default Task<Void> callEntity(EntityInstanceId entity, String operation) {
        return callEntity(entity, operation, null, Void.class);
    }

    /**
     * Signals operation {@code operation} of {@code entity} (fire and forget), to run no earlier than
     * {@code scheduledTime} when it is not null. Inside a critical section locked entities may not be signaled.
     */
    void signalEntity(EntityInstanceId entity, String operation, Object input, Instant scheduledTime);

    default void signalEntity(EntityInstanceId entity, String operation, Object input) {
        signalEntity(entity, operation, input, null);
    }

    default void signalEntity(EntityInstanceId entity, String operation) {
        signalEntity(entity, operation, null, null);
    }

    /**
     * Locks {@code entities} and returns when all are locked for this orchestration: a critical section, closed
     * with {@link EntityLock#close()} (use try-with-resources). Locks are taken in a global order (sorted entity
     * IDs), so critical sections never deadlock; they are released when the section closes or the orchestration
     * ends. Sections do not nest.
     */
    EntityLock lockEntities(List<EntityInstanceId> entities);

    default EntityLock lockEntities(EntityInstanceId... entities) {
        return lockEntities(List.of(entities));
    }

    /** True inside a critical section (between {@link #lockEntities} and the lock's close). */
    boolean isInCriticalSection();

    /** Ends this execution and starts the orchestration again with {@code input} and a fresh history. */
    void continueAsNew(Object input, boolean preserveUnprocessedEvents);

    default void continueAsNew(Object input) {
        continueAsNew(input, true);
    }

    void setCustomStatus(Object customStatus);

    /** Sets the orchestration's output; it completes when its code returns. */
    void complete(Object output);

    /** A task that completes with all results in order, or fails with the first failure once all are done. */
    <V> Task<List<V>> allOf(List<Task<V>> tasks);

    /** A task that completes with the first of {@code tasks} to complete (in history order). */
    Task<Task<?>> anyOf(List<Task<?>> tasks);

    default Task<Task<?>> anyOf(Task<?>... tasks) {
        return anyOf(List.of(tasks));
    }
}
