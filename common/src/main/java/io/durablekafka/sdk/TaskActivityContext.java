package io.durablekafka.sdk;

/** What an activity sees of its call. */
public interface TaskActivityContext {

    String getName();

    /** The orchestration instance that scheduled this activity. */
    String getInstanceId();

    /** The ID of the task within its orchestration; with the instance ID, a key for idempotent side effects. */
    int getTaskId();

    <T> T getInput(Class<T> type);
}
