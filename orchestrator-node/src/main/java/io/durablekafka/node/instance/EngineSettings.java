package io.durablekafka.node.instance;

import java.time.Duration;

/**
 * Tuning of the engine.
 *
 * @param executionCacheSize live executions kept per stream task (0: replay on every step)
 * @param yieldTimeout       how long orchestrator code may run without awaiting before the instance fails
 * @param taskQueues         task queues with a topic; activities routed elsewhere fail at once
 */
public record EngineSettings(int executionCacheSize, Duration yieldTimeout, java.util.Set<String> taskQueues) {

    public EngineSettings {
        taskQueues = java.util.Set.copyOf(taskQueues);
    }

    public static EngineSettings defaults(java.util.Set<String> taskQueues) {
        return new EngineSettings(2000, Duration.ofSeconds(30), taskQueues);
    }
}
