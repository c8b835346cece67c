package io.durablekafka.sdk;

/** Thrown by {@link Task#await()} when a task was given up on, e.g. an external event wait that timed out. */
public class TaskCanceledException extends RuntimeException {

    private final String taskName;
    private final int taskId;

    public TaskCanceledException(String message, String taskName, int taskId) {
        super(message);
        this.taskName = taskName;
        this.taskId = taskId;
    }

    public String getTaskName() {
        return taskName;
    }

    public int getTaskId() {
        return taskId;
    }
}
