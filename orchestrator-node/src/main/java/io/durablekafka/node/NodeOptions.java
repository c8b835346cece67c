package io.durablekafka.node;

import io.durablekafka.common.config.Settings;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.instance.EngineSettings;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configuration of an orchestrator node.
 *
 * @param stateDir       where RocksDB stores live (null: a fresh temp dir, restored from changelogs at start)
 * @param commitInterval Kafka Streams commit interval: the main knob between latency and throughput
 * @param earlyCommitSpacing least time between two early commits of a stream thread (commits that make a completion
 *                       or a message another instance waits for visible before the commit interval is up); with a
 *                       backlog, the spacing grows up to the commit interval
 * @param standbyReplicas Kafka Streams standby replicas per partition: warm copies of its store on other nodes,
 *                       which take over a failed node's partitions without restoring them from the changelog
 * @param sessionTimeout how long the node group waits for a node that stopped heartbeating (killed, frozen, cut
 *                       off) before its partitions move to other nodes; a node that stops normally leaves at once
 */
public record NodeOptions(String bootstrapServers, TopicNames topics, int partitions, short replicationFactor,
                          Path stateDir, int streamThreads, Duration commitInterval,
                          Duration earlyCommitSpacing, EngineSettings engine, Properties kafkaOverrides,
                          int standbyReplicas, Duration sessionTimeout) {

    public static final String STATE_DIR = "dk.node.state.dir";
    public static final String STREAM_THREADS = "dk.node.stream.threads";
    public static final String COMMIT_INTERVAL_MS = "dk.node.commit.interval.ms";
    public static final String EARLY_COMMIT_SPACING_MS = "dk.node.early.commit.spacing.ms";
    public static final String EXECUTION_CACHE_SIZE = "dk.node.execution.cache.size";
    public static final String YIELD_TIMEOUT_MS = "dk.node.yield.timeout.ms";
    public static final String TASK_QUEUES = "dk.node.task.queues";
    /**
     * Orchestrations and entities the node's registry does not know run on out-of-process SDK workers
     * (docs/sdk-workers.md).
     */
    public static final String SDK_WORKERS = "dk.node.sdk.workers";
    /** How long an SDK work item (orchestrator or entity) may stay unanswered before the node issues it again. */
    public static final String SDK_WORK_TIMEOUT_MS = "dk.node.sdk.work.timeout.ms";
    /** Kafka Streams' {@code num.standby.replicas} for the node group; see docs/failover.md. */
    public static final String STANDBY_REPLICAS = "dk.node.standby.replicas";
    public static final int DEFAULT_STANDBY_REPLICAS = 1;
    /**
     * The node group's {@code session.timeout.ms}: how soon a node killed with -9 is declared dead. Kafka's default
     * (45 s) keeps a dead node's partitions idle that long; see docs/failover.md for the trade-off.
     */
    public static final String SESSION_TIMEOUT_MS = "dk.node.session.timeout.ms";
    public static final long DEFAULT_SESSION_TIMEOUT_MS = 10_000;
    /**
     * Port of the node's management endpoints (/metrics, /healthz, /readyz) when it runs as a role of its own:
     * default {@value #DEFAULT_MANAGEMENT_PORT}, 0 any free port, negative none. Read by the launcher.
     */
    public static final String MANAGEMENT_PORT = "dk.node.management.port";
    public static final int DEFAULT_MANAGEMENT_PORT = 7072;

    public static NodeOptions fromSettings(Settings settings, FunctionRegistry registry) {
        Set<String> queues = new TreeSet<>(registry.taskQueues());
        settings.find(TASK_QUEUES).ifPresent(list -> Arrays.stream(list.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).forEach(queues::add));
        EngineSettings engine = new EngineSettings(settings.getInt(EXECUTION_CACHE_SIZE, 2000),
                Duration.ofMillis(settings.getLong(YIELD_TIMEOUT_MS, 30_000)), queues);
        if (Boolean.parseBoolean(settings.find(SDK_WORKERS).orElse("false"))) {
            engine = engine.withSdkWorkers(Duration.ofMillis(settings.getLong(SDK_WORK_TIMEOUT_MS, 60_000)));
        }
        return new NodeOptions(settings.bootstrapServers(), new TopicNames(settings.taskHub()), settings.partitions(),
                settings.replicationFactor(), settings.find(STATE_DIR).map(Path::of).orElse(null),
                settings.getInt(STREAM_THREADS, 1), Duration.ofMillis(settings.getLong(COMMIT_INTERVAL_MS, 100)),
                Duration.ofMillis(settings.getLong(EARLY_COMMIT_SPACING_MS, 2)), engine, settings.kafkaClientOverrides(),
                settings.getInt(STANDBY_REPLICAS, DEFAULT_STANDBY_REPLICAS),
                Duration.ofMillis(settings.getLong(SESSION_TIMEOUT_MS, DEFAULT_SESSION_TIMEOUT_MS)));
    }

    public NodeOptions withStateDir(Path dir) {
        return new NodeOptions(bootstrapServers, topics, partitions, replicationFactor, dir, streamThreads,
                commitInterval, earlyCommitSpacing, engine, kafkaOverrides, standbyReplicas, sessionTimeout);
    }

    public NodeOptions withEngine(EngineSettings newEngine) {
        return new NodeOptions(bootstrapServers, topics, partitions, replicationFactor, stateDir, streamThreads,
                commitInterval, earlyCommitSpacing, newEngine, kafkaOverrides, standbyReplicas, sessionTimeout);
    }
}
