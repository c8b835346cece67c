package io.durablekafka.node.topology;

import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.instance.EngineSettings;
import io.durablekafka.node.metrics.NodeMetrics;
import io.durablekafka.node.tracing.NodeTracing;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The node's Kafka Streams topology: one source ({@code orchestrations}), one processor with ONE state store
 * ({@link TopicNames#NODE_STATE_STORE}: instances, history, timers, entities and their queues, see
 * {@code io.durablekafka.common.store.StoreKeys}), seven sinks. One store means one changelog: a transaction
 * touches one changelog partition per stream task, and the gateways read everything they show from it.
 */
public final class NodeTopology {

    static final String SOURCE = "orchestrations-source";
    static final String PROCESSOR = "node-processor";
    static final String TASKS_SINK = "tasks-sink";
    static final String ORCHESTRATIONS_SINK = "orchestrations-sink";
    static final String STATUS_SINK = "status-sink";
    static final String DEAD_LETTER_SINK = "deadletter-sink";
    static final String WEBHOOKS_SINK = "webhooks-sink";
    static final String SDK_WORK_SINK = "sdk-work-sink";
    static final String SDK_ENTITY_WORK_SINK = "sdk-entity-work-sink";
    static final String QUEUE_HEADER = "dk.queue";

    private NodeTopology() {
    }

    /**
     * @param earlyCommitSpacing the least time between two early commits of a stream thread
     * @param commitInterval     the most: early commits are spaced up to it when the node has a backlog
     */
    public static Topology build(TopicNames topics, FunctionRegistry registry, EngineSettings settings,
                                 Duration earlyCommitSpacing, Duration commitInterval) {
        return build(topics, registry, settings, earlyCommitSpacing, commitInterval,
                NodeMetrics.detached(registry.orchestrationNames()));
    }

    /** As above, with the meters the processors report to. */
    public static Topology build(TopicNames topics, FunctionRegistry registry, EngineSettings settings,
                                 Duration earlyCommitSpacing, Duration commitInterval, NodeMetrics metrics) {
        return build(topics, registry, settings, earlyCommitSpacing, commitInterval, Clock.systemUTC(), metrics);
    }

    /** As {@link #build(TopicNames, FunctionRegistry, EngineSettings, Duration, Duration)}, with the clock of steps. */
    static Topology build(TopicNames topics, FunctionRegistry registry, EngineSettings settings,
                          Duration earlyCommitSpacing, Duration commitInterval, Clock clock) {
        return build(topics, registry, settings, earlyCommitSpacing, commitInterval, clock,
                NodeMetrics.detached(registry.orchestrationNames()));
    }

    /** As above, with the meters and the tracing hook the processors report to. */
    public static Topology build(TopicNames topics, FunctionRegistry registry, EngineSettings settings,
                                 Duration earlyCommitSpacing, Duration commitInterval, NodeMetrics metrics,
                                 NodeTracing tracing) {
        return build(topics, registry, settings, earlyCommitSpacing, commitInterval, Clock.systemUTC(), metrics,
                tracing);
    }

    /** With the clock of steps and the meters (tests). */
    static Topology build(TopicNames topics, FunctionRegistry registry, EngineSettings settings,
                          Duration earlyCommitSpacing, Duration commitInterval, Clock clock, NodeMetrics metrics) {
        return build(topics, registry, settings, earlyCommitSpacing, commitInterval, clock, metrics, NodeTracing.OFF);
    }

    /** With the clock of steps, the meters and the tracing hook (tests). */
    static Topology build(TopicNames topics, FunctionRegistry registry, EngineSettings settings,
                          Duration earlyCommitSpacing, Duration commitInterval, Clock clock, NodeMetrics metrics,
                          NodeTracing tracing) {
        Serializer<Object> json = (topic, value) -> value == null ? null : Json.toBytes(value);
        Serializer<Object> raw = (topic, value) -> (byte[]) value;
        CommitPacer pacer = new CommitPacer(earlyCommitSpacing, commitInterval);
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.orchestrations());
        topology.addProcessor(PROCESSOR, () -> new NodeProcessor(registry, settings, pacer, clock, metrics, tracing), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TopicNames.NODE_STATE_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addSink(TASKS_SINK, (key, value, ctx) -> {
            var queue = ctx.headers().lastHeader(QUEUE_HEADER);
            return topics.tasks(queue == null ? TopicNames.DEFAULT_TASK_QUEUE : new String(queue.value(), StandardCharsets.UTF_8));
        }, Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(ORCHESTRATIONS_SINK, topics.orchestrations(), Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(STATUS_SINK, topics.status(), Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(WEBHOOKS_SINK, topics.webhooks(), Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(SDK_WORK_SINK, topics.sdkOrchestratorWork(), Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(SDK_ENTITY_WORK_SINK, topics.sdkEntityWork(), Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter(), Serdes.String().serializer(), raw, PROCESSOR);
        return topology;
    }
}
