package io.durablekafka.sdk;

/**
 * The result of a durable operation (activity, timer, event, sub-orchestration) that completes later.
 * {@link #await()} returns its value or throws its failure; while the value is not there yet the
 * orchestration is suspended and resumes when the result arrives (possibly in another process, by replay).
 */
public interface Task<V> {

    V await();

    boolean isDone();

    /** True when the task ended with a failure (TaskFailedException) or a cancellation (timeout). */
    boolean isFailed();
}
