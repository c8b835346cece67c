package io.durablekafka.sdk;

/** One operation sent to an entity: its name, input, the entity's state and context. */
public interface TaskEntityOperation {

    /** The operation name as the caller spelled it (dispatch by {@link TaskEntity} ignores case). */
    String getOperationName();

    EntityInstanceId getEntityId();

    boolean hasInput();

    /** The input as {@code type}; null when there is none. */
    <T> T getInput(Class<T> type);

    TaskEntityContext getContext();

    TaskEntityState getState();

    /** True when an orchestration waits for the result (a call), false for a signal. */
    boolean isCall();
}
