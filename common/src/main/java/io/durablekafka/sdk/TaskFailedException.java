package io.durablekafka.sdk;

import io.durablekafka.common.status.FailureDetails;

/** Thrown by {@link Task#await()} when the activity or sub-orchestration behind the task failed. */
public class TaskFailedException extends RuntimeException {

    private final String taskName;
    private final int taskId;
    private final FailureDetails errorDetails;

    public TaskFailedException(String taskName, int taskId, FailureDetails errorDetails) {
        super("Task '" + taskName + "' (#" + taskId + ") failed with an unhandled exception: "
                + (errorDetails == null ? "unknown error" : errorDetails.errorMessage()));
        this.taskName = taskName;
        this.taskId = taskId;
        this.errorDetails = errorDetails;
    }

    /** For subclasses that word their own message. */
    protected TaskFailedException(String message, String taskName, int taskId, FailureDetails errorDetails) {
        super(message);
        this.taskName = taskName;
        this.taskId = taskId;
        this.errorDetails = errorDetails;
    }

    public String getTaskName() {
        return taskName;
    }

    public int getTaskId() {
        return taskId;
    }

    public FailureDetails getErrorDetails() {
        return errorDetails;
    }
}
