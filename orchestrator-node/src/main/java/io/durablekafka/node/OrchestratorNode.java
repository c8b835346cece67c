package io.durablekafka.node;

import io.durablekafka.common.observability.HealthChecks;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.common.topics.TopicProvisioner;
import io.durablekafka.node.metrics.NodeMetrics;
import io.durablekafka.node.tracing.NodeTracing;
import io.durablekafka.node.topology.NodeTopology;
import io.durablekafka.sdk.FunctionRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An orchestrator node: one Kafka Streams instance of the hub's node application. Any number of nodes can
 * run; Kafka assigns each the partitions (and so the instances) it owns and moves them on failure.
 */
public final class OrchestratorNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorNode.class);

    private final NodeOptions options;
    private final FunctionRegistry registry;
    private final Observability observability;
    private final AutoCloseable healthRegistration;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private Path tempStateDir;

    public OrchestratorNode(NodeOptions options, FunctionRegistry registry) {
        this(options, registry, Observability.detached());
    }

    /** A node that reports its meters and health checks to the process's {@code observability}. */
    public OrchestratorNode(NodeOptions options, FunctionRegistry registry, Observability observability) {
        this.options = options;
        this.registry = registry;
        this.observability = observability;
        // From construction on, so that a node not started yet (or still joining) reads as not ready.
        this.healthRegistration = observability.health().register("node", this::liveness, this::readiness);
    }

    /** Creates the hub's topics if needed and starts processing; returns without waiting for partitions. */
    public OrchestratorNode start() {
        try (Admin admin = Admin.create(adminConfig())) {
            new TopicProvisioner(admin, options.partitions(), options.replicationFactor())
                    .ensureHub(options.topics(), options.engine().taskQueues());
        }
        NodeMetrics metrics = new NodeMetrics(observability.registry(), registry.orchestrationNames());
        streams = new KafkaStreams(NodeTopology.build(options.topics(), registry, options.engine(),
                options.earlyCommitSpacing(), options.commitInterval(), metrics,
                NodeTracing.of(observability.openTelemetry(), observability.tracingEnabled())), streamsConfig(),
                new NodeClientSupplier());
        // Kafka Streams' own metrics (commit latency, process rates) and those of its clients (consumer lag).
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(observability.registry());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return this;
    }

    /** Waits until the node has joined the group and runs (or throws after {@code timeout}). */
    public void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node not running after " + timeout + ": " + streams.state());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Partitions of the orchestrations topic this node currently owns. */
    public java.util.Set<Integer> activePartitions() {
        java.util.Set<Integer> partitions = new java.util.TreeSet<>();
        if (streams != null) {
            streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                    .forEach(task -> task.topicPartitions().forEach(tp -> partitions.add(tp.partition()))));
        }
        return partitions;
    }

    /** Live unless Kafka Streams died for good (all threads gone, or it stopped on an error). */
    private HealthChecks.Check liveness() {
        KafkaStreams.State s = state();
        return s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR
                ? HealthChecks.Check.failing("Kafka Streams is " + s) : HealthChecks.Check.OK;
    }

    /** Ready when Kafka Streams runs: partitions assigned and state restored. */
    private HealthChecks.Check readiness() {
        KafkaStreams.State s = state();
        return s == KafkaStreams.State.RUNNING ? HealthChecks.Check.OK
                : HealthChecks.Check.failing("Kafka Streams is " + s + ", not RUNNING");
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    @Override
    public void close() {
        closeQuietly(healthRegistration);
        closeQuietly(streamsMetrics);
        if (streams != null) {
            // Leave the group so that the partitions move to the other nodes at once, not after the session timeout.
            streams.close(org.apache.kafka.streams.CloseOptions
                    .groupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
        if (tempStateDir != null) {
            deleteRecursively(tempStateDir);
        }
    }

    private Properties adminConfig() {
        Properties p = new Properties();
        p.putAll(options.kafkaOverrides());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        return p;
    }

    /** The Kafka Streams configuration of this node (package-private for its test). */
    Properties streamsConfig() {
        Path stateDir = options.stateDir();
        if (stateDir == null) {
            try {
                tempStateDir = Files.createTempDirectory("dk-node-");
                stateDir = tempStateDir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Properties p = new Properties();
        // Tuning defaults first, as unprefixed client settings, so that dk.kafka.<property> overrides win.
        // Transactions commit often; the default 100 ms back-off after CONCURRENT_TRANSACTIONS caps a producer at
        // ~20 commits/s (see design notes).
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        // No linger: with one request in flight (below), records queue up while a request is out, so batches
        // grow with load on their own, and an idle node sends at once (each hop of an orchestration is a send).
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Under transactions v2 a broker accepts only sequence 0 from a producer it has no state for on a partition
        // (KAFKA-18202). With several requests in flight, a later batch to a partition the transaction touches for
        // the first time can overtake the first one while that one is verified with the coordinator: refused with
        // OutOfOrderSequence (logged as an ERROR by the broker) and retried, which stalls the first commits of a
        // new hub. One request in flight per broker rules that out, and makes bigger batches under load.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        // An idle stream thread blocks in poll for this long before it punctuates or commits again: short, so that
        // early commits the pacer put off and entity ticks are not held up by an idle poll.
        p.put(StreamsConfig.POLL_MS_CONFIG, 10);
        // Failover (docs/failover.md): a warm standby of every partition's store on another node, and a session
        // timeout that notices a node killed with -9 within seconds; heartbeats at a third of it at most, as Kafka
        // advises. As defaults, so that dk.kafka.session.timeout.ms and the like still win.
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, options.standbyReplicas());
        long sessionMs = options.sessionTimeout().toMillis();
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionMs);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.min(3_000, sessionMs / 3));
        p.putAll(options.kafkaOverrides());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, options.topics().nodeApplicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitInterval().toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.streamThreads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) options.replicationFactor());
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbTuning.class);
        // The node has no global stores, so this changes nothing at run time; it is the default from Kafka 5.0 on,
        // and without it Kafka Streams warns at every start.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return p;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed", c, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }
}
