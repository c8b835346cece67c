package io.durablekafka.node.entities;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Messages waiting for an entity, under {@code utf8(entityId) 0x00 inputOffset(8 bytes, big-endian)} keys: one
 * entity's queue is one contiguous key range in arrival order (the offset of the input record in the entity's
 * partition). Messages stay here until they run, so nothing waits in memory across records.
 */
public final class EntityQueueStore {

    public static final String NAME = "entity-queue";

    private final KeyValueStore<Bytes, byte[]> store;

    public EntityQueueStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public record Entry(String entityId, long offset, byte[] message) {
    }

    public void put(String entityId, long offset, byte[] message) {
        store.put(key(entityId, offset), message);
    }

    public void delete(String entityId, long offset) {
        store.delete(key(entityId, offset));
    }

    /** The entity's waiting messages at offset {@code from} or later, oldest first. */
    public List<Entry> read(String entityId, long from) {
        List<Entry> entries = new ArrayList<>();
        try (var it = store.range(key(entityId, Math.max(0, from)), key(entityId, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                var kv = it.next();
                entries.add(new Entry(entityId, offsetOf(kv.key), kv.value));
            }
        }
        return entries;
    }

    /** Every entity with waiting messages (a scan of the queue, which is short unless entities are locked). */
    public Set<String> entityIds() {
        Set<String> ids = new LinkedHashSet<>();
        try (var it = store.all()) {
            while (it.hasNext()) {
                ids.add(entityIdOf(it.next().key));
            }
        }
        return ids;
    }

    static Bytes key(String entityId, long offset) {
        byte[] id = entityId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(id.length + 9).put(id).put((byte) 0).putLong(offset).array());
    }

    private static long offsetOf(Bytes key) {
        byte[] k = key.get();
        return ByteBuffer.wrap(k, k.length - 8, 8).getLong();
    }

    private static String entityIdOf(Bytes key) {
        byte[] k = key.get();
        return new String(k, 0, k.length - 9, StandardCharsets.UTF_8);
    }
}
