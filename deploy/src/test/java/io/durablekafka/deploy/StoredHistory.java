package io.durablekafka.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The history as the nodes stored it: the history chunks of their state changelog (read_committed, from the
 * beginning, decoded as the gateways decode them), every event with its sequence number and task IDs, including the
 * TaskScheduled events the HTTP rendering merges away. What the kill tests check "exactly once" against: a step
 * written twice shows as a chunk key written twice or as an event type counted too often.
 */
final class StoredHistory {

    /** Per instance: {@code {"seq": n, "event": {...}}}, unordered. */
    private final Map<String, List<JsonNode>> byInstance = new HashMap<>();
    private final Map<String, List<String>> keysWrittenTwice = new HashMap<>();
    private final Map<String, List<String>> chunksDropped = new HashMap<>();

    private StoredHistory() {
    }

    static StoredHistory read(String changelogTopic) {
        StoredHistory stored = new StoredHistory();
        Map<String, byte[]> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicRecords.readAll(changelogTopic)) {
            byte[] key = r.key();
            if (key == null || StoreKeys.kindOf(key) != StoreKeys.HISTORY) {
                continue;
            }
            String instanceId = StoreKeys.idOf(key);
            String keyText = instanceId + "|" + StoreKeys.numberOf(key);
            if (r.value() == null) {
                stored.chunksDropped.computeIfAbsent(instanceId, k -> new ArrayList<>()).add(keyText);
                latest.remove(keyText);
                continue;
            }
            byte[] before = latest.put(keyText, r.value());
            if (before != null) {
                stored.keysWrittenTwice.computeIfAbsent(instanceId, k -> new ArrayList<>()).add(keyText + " at offset "
                        + r.partition() + "/" + r.offset() + (Arrays.equals(before, r.value()) ? " (same value)" : ""));
            }
        }
        latest.values().forEach(value -> {
            HistoryChunk chunk = StoreCodec.decodeHistory(value);
            for (int i = 0; i < chunk.events().size(); i++) {
                var node = Json.MAPPER.createObjectNode();
                node.put("seq", chunk.firstSeq() + i);
                node.set("event", Json.MAPPER.valueToTree(chunk.events().get(i)));
                stored.byInstance.computeIfAbsent(chunk.instanceId(), k -> new ArrayList<>()).add(node);
            }
        });
        return stored;
    }

    /** The instance's stored events with their sequence numbers, in order (for failure reports). */
    List<JsonNode> records(String id) {
        return byInstance.getOrDefault(id, List.of()).stream()
                .sorted(Comparator.comparingLong(r -> r.path("seq").asLong())).toList();
    }

    /** The instance's stored events, in order. */
    List<JsonNode> events(String id) {
        return records(id).stream().map(r -> r.path("event")).toList();
    }

    /** History chunks of the instance deleted (tombstoned) after they were written. */
    List<String> chunksDropped(String id) {
        return chunksDropped.getOrDefault(id, List.of());
    }

    static Map<String, List<JsonNode>> byType(List<JsonNode> events) {
        Map<String, List<JsonNode>> byType = new TreeMap<>();
        events.forEach(e -> byType.computeIfAbsent(e.path("eventType").asText(), k -> new ArrayList<>()).add(e));
        return byType;
    }

    /**
     * Exactly one event per step: no chunk key written twice, the event counts by type as {@code want}, every
     * scheduled activity completed once, and the execution's end last.
     */
    List<String> check(String id, Map<String, Integer> want) {
        List<String> problems = new ArrayList<>();
        keysWrittenTwice.getOrDefault(id, List.of()).forEach(d -> problems.add("stored history: key written twice: " + d));
        List<JsonNode> events = events(id);
        Map<String, List<JsonNode>> byType = byType(events);
        Map<String, Integer> counts = new TreeMap<>();
        byType.forEach((type, list) -> counts.put(type, list.size()));
        if (!counts.equals(new TreeMap<>(want))) {
            problems.add("stored history: events " + counts + " instead of " + new TreeMap<>(want));
        }
        List<Integer> scheduled = byType.getOrDefault("TaskScheduled", List.of()).stream()
                .map(e -> e.path("taskId").asInt()).toList();
        List<Integer> completed = byType.getOrDefault("TaskCompleted", List.of()).stream()
                .map(e -> e.path("taskScheduledId").asInt()).toList();
        if (new HashSet<>(scheduled).size() != scheduled.size() || new HashSet<>(completed).size() != completed.size()
                || !new HashSet<>(completed).equals(new HashSet<>(scheduled))) {
            problems.add("stored history: tasks scheduled " + scheduled + ", completed " + completed);
        }
        if (!events.isEmpty() && !"ExecutionCompleted".equals(events.getLast().path("eventType").asText())) {
            problems.add("stored history: last event " + events.getLast());
        }
        return problems;
    }
}
