package io.durablekafka.node.timers;

import io.durablekafka.common.serde.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Durable timers indexed by due time: key {@code dueMillis(8 bytes, big-endian) utf8(id) 0x00 timerId(4)},
 * so the due timers are always a prefix of the key space and firing them is a range scan, never a full scan.
 */
public final class TimerStore {

    public static final String NAME = "timers";

    private final KeyValueStore<Bytes, byte[]> store;

    public TimerStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public record DueTimer(String instanceId, int timerId, Instant fireAt) {
    }

    public void schedule(String instanceId, int timerId, Instant fireAt) {
        store.put(key(fireAt, instanceId, timerId), Json.toBytes(new DueTimer(instanceId, timerId, fireAt)));
    }

    public void cancel(String instanceId, int timerId, Instant fireAt) {
        store.delete(key(fireAt, instanceId, timerId));
    }

    /** Removes and returns up to {@code max} timers due at or before {@code now}, earliest first. */
    public List<DueTimer> takeDue(Instant now, int max) {
        List<DueTimer> due = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        Bytes from = Bytes.wrap(new byte[8]);
        Bytes to = Bytes.wrap(ByteBuffer.allocate(8).putLong(now.toEpochMilli() + 1).array());
        try (var it = store.range(from, to)) {
            while (it.hasNext() && due.size() < max) {
                // Keys due at now+1 sort after the 8-byte end key, so the inclusive range holds only due timers.
                var kv = it.next();
                keys.add(kv.key);
                due.add(Json.fromBytes(kv.value, DueTimer.class));
            }
        }
        keys.forEach(store::delete);
        return due;
    }

    static Bytes key(Instant fireAt, String instanceId, int timerId) {
        byte[] id = instanceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length + 5)
                .putLong(Math.max(0, fireAt.toEpochMilli())).put(id).put((byte) 0).putInt(timerId).array());
    }
}
