package io.durablekafka.worker;

import io.durablekafka.common.config.Settings;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.sdk.FunctionRegistry;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an {@link ActivityWorker} serves and how.
 *
 * @param taskQueues      the task queues to consume, one consumer (and group) per queue
 * @param concurrency     the most activities running at once across all queues of the worker
 * @param kafkaOverrides  extra client properties (e.g. security) applied to the worker's consumers and producer
 */
public record WorkerOptions(String bootstrapServers, TopicNames topics, Set<String> taskQueues, int concurrency,
                            Properties kafkaOverrides) {

    public static final String TASK_QUEUES = "dk.worker.task.queues";
    public static final String CONCURRENCY = "dk.worker.concurrency";
    public static final int DEFAULT_CONCURRENCY = 64;
    /**
     * Port of the worker's management endpoints (/metrics, /healthz, /readyz) when it runs as a role of its own:
     * default {@value #DEFAULT_MANAGEMENT_PORT}, 0 any free port, negative none. Read by the launcher.
     */
    public static final String MANAGEMENT_PORT = "dk.worker.management.port";
    public static final int DEFAULT_MANAGEMENT_PORT = 7073;

    public WorkerOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topics, "topics");
        if (taskQueues == null || taskQueues.isEmpty()) {
            throw new IllegalArgumentException("a worker must serve at least one task queue");
        }
        for (String queue : taskQueues) {
            if (!TopicNames.isValidTaskQueue(queue)) {
                throw new IllegalArgumentException("task queue '" + queue + "' is not valid");
            }
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
        }
        taskQueues = Collections.unmodifiableSet(new LinkedHashSet<>(taskQueues));
        Properties copy = new Properties();
        if (kafkaOverrides != null) {
            copy.putAll(kafkaOverrides);
        }
        kafkaOverrides = copy;
    }

    /** Reads {@value #TASK_QUEUES} (default: every queue of the registry) and {@value #CONCURRENCY}. */
    public static WorkerOptions fromSettings(Settings settings, FunctionRegistry registry) {
        Set<String> queues = settings.find(TASK_QUEUES)
                .map(WorkerOptions::parseQueues)
                .orElseGet(registry::servedTaskQueues);
        return new WorkerOptions(
                settings.bootstrapServers(),
                new TopicNames(settings.taskHub()),
                queues,
                settings.getInt(CONCURRENCY, DEFAULT_CONCURRENCY),
                settings.kafkaClientOverrides());
    }

    private static Set<String> parseQueues(String list) {
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** A defensive copy, so that client code cannot change the options behind the worker's back. */
    @Override
    public Properties kafkaOverrides() {
        Properties copy = new Properties();
        copy.putAll(kafkaOverrides);
        return copy;
    }
}
