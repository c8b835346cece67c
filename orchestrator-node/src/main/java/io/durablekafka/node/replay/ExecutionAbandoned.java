package io.durablekafka.node.replay;

/** Unwinds the virtual thread of an execution that was evicted from the cache or is no longer wanted. */
final class ExecutionAbandoned extends Error {
    static final ExecutionAbandoned INSTANCE = new ExecutionAbandoned();

    private ExecutionAbandoned() {
        super("execution abandoned", null, false, false);
    }
}
