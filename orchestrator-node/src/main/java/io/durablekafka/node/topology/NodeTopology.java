package io.durablekafka.node.topology;

import io.durablekafka.common.serde.Json;
import io.durablekafka.common.serde.JsonSerde;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.engine.EngineSettings;
import io.durablekafka.node.entities.EntityQueueStore;
import io.durablekafka.node.entities.EntityRecord;
import io.durablekafka.node.entities.ScheduledSignalStore;
import io.durablekafka.node.history.HistoryStore;
import io.durablekafka.node.state.InstanceState;
import io.durablekafka.node.timers.TimerStore;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The node's Kafka Streams topology: one source, one processor with six stores (instances, history and timers of
 * orchestrations; state, queues and scheduled signals of entities), five sinks.
 */
public final class NodeTopology {

    public static final String INSTANCES_STORE = "instances";
    public static final String ENTITIES_STORE = "entities";
    /** How often entities with queued signals are drained (a batch per entity). */
    static final Duration ENTITY_TICK = Duration.ofMillis(2);
    static final String SOURCE = "orchestrations-source";
    static final String PROCESSOR = "orchestration-processor";
    static final String TASKS_SINK = "tasks-sink";
    static final String ORCHESTRATIONS_SINK = "orchestrations-sink";
    static final String STATUS_SINK = "status-sink";
    static final String HISTORY_SINK = "history-sink";
    static final String DEAD_LETTER_SINK = "deadletter-sink";

    private NodeTopology() {
    }

    public static Topology build(TopicNames topics, FunctionRegistry registry, EngineSettings settings, Duration timerTick) {
        Serializer<Object> json = (topic, value) -> value == null ? null : Json.toBytes(value);
        Serializer<Object> raw = (topic, value) -> (byte[]) value;
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.orchestrations());
        topology.addProcessor(PROCESSOR, () -> new OrchestrationProcessor(registry, settings, timerTick), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INSTANCES_STORE),
                Serdes.String(), JsonSerde.of(InstanceState.class)).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HistoryStore.NAME),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TimerStore.NAME),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENTITIES_STORE),
                Serdes.String(), JsonSerde.of(EntityRecord.class)).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EntityQueueStore.NAME),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ScheduledSignalStore.NAME),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addSink(TASKS_SINK, (key, value, ctx) -> {
            var queue = ctx.headers().lastHeader(OrchestrationProcessor.QUEUE_HEADER);
            return topics.tasks(queue == null ? TopicNames.DEFAULT_TASK_QUEUE : new String(queue.value(), StandardCharsets.UTF_8));
        }, Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(ORCHESTRATIONS_SINK, topics.orchestrations(), Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(STATUS_SINK, topics.status(), Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(HISTORY_SINK, topics.history(), Serdes.String().serializer(), json, PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter(), Serdes.String().serializer(), raw, PROCESSOR);
        return topology;
    }
}
