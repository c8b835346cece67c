package io.durablekafka.node.timers;

import io.durablekafka.common.serde.Json;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Values indexed by due time: key {@code dueMillis(8 bytes, big-endian) suffix}, so whatever is due is always a
 * prefix of the key space and taking it is a range scan, never a full scan. The suffix makes keys unique.
 */
public final class DueTimeIndex<T> {

    private final KeyValueStore<Bytes, byte[]> store;
    private final Class<T> type;

    public DueTimeIndex(KeyValueStore<Bytes, byte[]> store, Class<T> type) {
        this.store = store;
        this.type = type;
    }

    public void put(Instant due, byte[] suffix, T value) {
        store.put(key(due, suffix), Json.toBytes(value));
    }

    public void delete(Instant due, byte[] suffix) {
        store.delete(key(due, suffix));
    }

    /** Removes and returns up to {@code max} values due at or before {@code now}, earliest first. */
    public List<T> takeDue(Instant now, int max) {
        List<T> due = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        Bytes from = Bytes.wrap(new byte[8]);
        Bytes to = Bytes.wrap(ByteBuffer.allocate(8).putLong(now.toEpochMilli() + 1).array());
        try (var it = store.range(from, to)) {
            while (it.hasNext() && due.size() < max) {
                // Keys due at now+1 sort after the 8-byte end key, so the inclusive range holds only due values.
                var kv = it.next();
                keys.add(kv.key);
                due.add(Json.fromBytes(kv.value, type));
            }
        }
        keys.forEach(store::delete);
        return due;
    }

    private static Bytes key(Instant due, byte[] suffix) {
        return Bytes.wrap(ByteBuffer.allocate(8 + suffix.length).putLong(Math.max(0, due.toEpochMilli())).put(suffix).array());
    }
}
