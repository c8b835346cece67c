package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tails a task hub's {@code status} topic ({@code read_committed}, from the beginning) on a thread of its own and
 * keeps the latest status per key, a tombstone as "absent", and every status seen per key. Entities do not publish
 * on the status topic: their records come from the nodes' state changelog, shown as the gateway shows an entity as a
 * status ({@code output} = its state, {@code customStatus.lockedBy} = the orchestration holding its lock; absent
 * while it has no state).
 */
final class StatusTopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String statusTopic;
    private final Map<String, JsonNode> latest = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> all = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    StatusTopicReader(String bootstrapServers, io.durablekafka.common.topics.TopicNames topics) {
        String topic = topics.status();
        this.statusTopic = topic;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : List.of(topic, topics.nodeStateChangelog())) {
            consumer.partitionsFor(t).forEach(info -> partitions.add(new TopicPartition(t, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().daemon().name("status-reader-" + topic).start(this::run);
    }

    private void run() {
        try {
            while (running) {
                for (var r : consumer.poll(Duration.ofMillis(50))) {
                    if (r.key() == null) {
                        continue;
                    }
                    String key;
                    JsonNode status;
                    if (r.topic().equals(statusTopic)) {
                        key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                        status = r.value() == null ? null : Json.fromBytes(r.value(), JsonNode.class);
                    } else if (StoreKeys.kindOf(r.key()) == StoreKeys.ENTITY) {
                        key = StoreKeys.idOf(r.key());
                        status = r.value() == null ? null : entityStatus(StoreCodec.decodeEntity(r.value()));
                    } else {
                        continue;
                    }
                    if (status == null) {
                        if (latest.remove(key) == null && !r.topic().equals(statusTopic)) {
                            continue; // an entity without state that had none before: nothing changed
                        }
                        all.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(Json.MAPPER.nullNode());
                    } else {
                        latest.put(key, status);
                        all.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(status);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private static JsonNode entityStatus(EntityState entity) {
        if (!entity.exists()) {
            return null;
        }
        var node = Json.MAPPER.createObjectNode();
        node.put("instanceId", entity.entityId());
        node.put("name", io.durablekafka.sdk.EntityInstanceId.parse(entity.entityId()).name());
        node.put("runtimeStatus", "Running");
        node.set("output", entity.state());
        node.put("createdTime", String.valueOf(entity.createdTime()));
        node.put("lastUpdatedTime", String.valueOf(entity.lastModifiedTime()));
        if (entity.lockedBy() != null) {
            node.putObject("customStatus").put("lockedBy", entity.lockedBy().instanceId());
        } else {
            node.putNull("customStatus");
        }
        return node;
    }

    /** The latest status of {@code key}, or null when there is none (never written, or a tombstone). */
    JsonNode latest(String key) {
        return latest.get(key);
    }

    /** Every status seen for {@code key} in topic order; a tombstone is a JSON null. */
    List<JsonNode> history(String key) {
        return List.copyOf(all.getOrDefault(key, List.of()));
    }

    /** Waits until {@code condition} holds for the latest status of {@code key} (null when absent). */
    JsonNode await(String key, Duration timeout, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = latest(key);
            if (condition.test(status)) {
                return status;
            }
            if (System.nanoTime() > deadline) {
                fail("status of '" + key + "' did not reach the expected state within " + timeout + "; latest: " + status);
            }
            TestCluster.pause();
        }
    }

    /** Waits until the entity's state (the status's {@code output}) equals {@code expected}. */
    JsonNode awaitState(String entityId, Object expected, Duration timeout) {
        JsonNode want = Json.toTree(expected);
        return await(entityId, timeout, s -> s != null && s.get("output") != null
                && want.equals(NUMBERS_BY_VALUE, s.get("output")));
    }

    /** Compares JSON numbers by value (1 and 1L are equal), everything else as usual. */
    static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
