package io.durablekafka.node.instance;

import java.time.Duration;

/**
 * Tuning of the engine.
 *
 * @param executionCacheSize live executions kept per stream task (0: replay on every step)
 * @param yieldTimeout       how long orchestrator code may run without awaiting before the instance fails
 * @param taskQueues         task queues with a topic; activities routed elsewhere fail at once
 * @param sdkWorkers         orchestrations and entities this node's registry does not know run on out-of-process SDK
 *                           workers (work items on {@code sdk-orchestrator-work}, {@code sdk-entity-work}); off,
 *                           they fail as OrchestratorNotFound / EntityNotFound
 * @param sdkWorkTimeout     how long an SDK work item may stay unanswered before it is issued again
 */
public record EngineSettings(int executionCacheSize, Duration yieldTimeout, java.util.Set<String> taskQueues,
                             boolean sdkWorkers, Duration sdkWorkTimeout) {

    public EngineSettings {
        taskQueues = java.util.Set.copyOf(taskQueues);
    }

    /** Without SDK workers. */
    public EngineSettings(int executionCacheSize, Duration yieldTimeout, java.util.Set<String> taskQueues) {
        this(executionCacheSize, yieldTimeout, taskQueues, false, Duration.ofSeconds(60));
    }

    public static EngineSettings defaults(java.util.Set<String> taskQueues) {
        return new EngineSettings(2000, Duration.ofSeconds(30), taskQueues);
    }

    /** The same, with SDK workers on (the {@code sdk} task queue is added) and their work items' timeout. */
    public EngineSettings withSdkWorkers(Duration workTimeout) {
        var queues = new java.util.TreeSet<>(taskQueues);
        queues.add(io.durablekafka.common.topics.TopicNames.SDK_TASK_QUEUE);
        return new EngineSettings(executionCacheSize, yieldTimeout, queues, true, workTimeout);
    }
}
