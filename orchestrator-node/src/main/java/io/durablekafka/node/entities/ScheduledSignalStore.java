package io.durablekafka.node.entities;

import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Signals with a future {@code scheduledTime}, indexed by due time like the timer store: key
 * {@code dueMillis(8) utf8(entityId) 0x00 inputOffset(8)}, so due signals are a prefix of the key space and the
 * punctuator takes them with a range scan.
 */
public final class ScheduledSignalStore {

    public static final String NAME = "entity-schedule";

    private final KeyValueStore<Bytes, byte[]> store;

    public ScheduledSignalStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** A signal that came due, with the offset of the input record that brought it. */
    public record DueSignal(long offset, SignalEntity signal) {
    }

    public void schedule(SignalEntity signal, long offset) {
        store.put(key(signal.scheduledTime(), signal.instanceId(), offset), Json.toBytes(new DueSignal(offset, signal)));
    }

    /** Removes and returns up to {@code max} signals due at or before {@code now}, earliest first. */
    public List<DueSignal> takeDue(Instant now, int max) {
        List<DueSignal> due = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        Bytes from = Bytes.wrap(new byte[8]);
        Bytes to = Bytes.wrap(ByteBuffer.allocate(8).putLong(now.toEpochMilli() + 1).array());
        try (var it = store.range(from, to)) {
            while (it.hasNext() && due.size() < max) {
                var kv = it.next();
                keys.add(kv.key);
                due.add(Json.fromBytes(kv.value, DueSignal.class));
            }
        }
        keys.forEach(store::delete);
        return due;
    }

    static Bytes key(Instant due, String entityId, long offset) {
        byte[] id = entityId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length + 9)
                .putLong(Math.max(0, due.toEpochMilli())).put(id).put((byte) 0).putLong(offset).array());
    }
}
