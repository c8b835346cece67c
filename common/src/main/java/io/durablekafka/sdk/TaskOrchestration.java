package io.durablekafka.sdk;

/**
 * An orchestrator function. Its code must be deterministic: it is replayed from history, so it may only
 * take time, randomness and I/O from the {@link TaskOrchestrationContext}. Its output is what it passes to
 * {@link TaskOrchestrationContext#complete(Object)} (null if it never does).
 */
@FunctionalInterface
public interface TaskOrchestration {
    void run(TaskOrchestrationContext ctx);
}
