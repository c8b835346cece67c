package io.durablekafka.sdk;

/**
 * Options for one activity or sub-orchestration call.
 *
 * @param retryPolicy how failures are retried (null: not retried)
 * @param taskQueue   the task queue (topic) the activity is sent to (null: the node's routing, else "default")
 */
public record TaskOptions(RetryPolicy retryPolicy, String taskQueue) {

    public TaskOptions(RetryPolicy retryPolicy) {
        this(retryPolicy, null);
    }

    public static TaskOptions withRetryPolicy(RetryPolicy policy) {
        return new TaskOptions(policy, null);
    }

    public static TaskOptions withTaskQueue(String taskQueue) {
        return new TaskOptions(null, taskQueue);
    }
}
