package io.durablekafka.sdk;

/**
 * A durable entity at its lowest level: runs one operation against the entity's state. Operations of one entity
 * run one at a time, in the order they arrive; a failed operation (an exception) leaves the state as it was
 * before it, drops what it signaled or started, and is reported to a calling orchestration as an
 * {@link EntityOperationFailedException}. Most entities extend {@link TaskEntity} instead.
 */
@FunctionalInterface
public interface ITaskEntity {

    /** Runs {@code operation}; the return value is the operation's result for a caller (ignored for signals). */
    Object run(TaskEntityOperation operation) throws Exception;
}
