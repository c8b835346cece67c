package io.durablekafka.node.history;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.serde.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Append-only history under (instance ID, sequence) keys: {@code utf8(id) 0x00 seq(8 bytes, big-endian)}, so
 * one instance's events are one contiguous, ordered key range.
 */
public final class HistoryStore {

    public static final String NAME = "history";

    private final KeyValueStore<Bytes, byte[]> store;

    public HistoryStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public void append(String instanceId, long seq, HistoryEvent event) {
        store.put(key(instanceId, seq), Json.toBytes(event));
    }

    /** The first {@code size} events of the instance, in order. */
    public List<HistoryEvent> read(String instanceId, long size) {
        List<HistoryEvent> events = new ArrayList<>((int) Math.min(size, 10_000));
        try (var it = store.range(key(instanceId, 0), key(instanceId, Math.max(0, size - 1)))) {
            while (it.hasNext()) {
                events.add(Json.fromBytes(it.next().value, HistoryEvent.class));
            }
        }
        return events;
    }

    public void delete(String instanceId, long size) {
        for (long seq = 0; seq < size; seq++) {
            store.delete(key(instanceId, seq));
        }
    }

    static Bytes key(String instanceId, long seq) {
        byte[] id = instanceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(id.length + 9).put(id).put((byte) 0).putLong(seq).array());
    }
}
