package io.durablekafka.node.store;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import io.durablekafka.node.instance.HistoryReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Typed access to the node's one state store: instances, their history chunks, the due-time index, entities and
 * entity queues, laid out as {@link StoreKeys} says and encoded by {@link StoreCodec}. One store means one changelog,
 * so a transaction touches one changelog partition per stream task, however many kinds of state a step changes.
 */
public final class NodeStore implements HistoryReader {

    private final KeyValueStore<Bytes, byte[]> store;
    private java.util.function.Consumer<Instant> dueListener = due -> { };

    public NodeStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** Told the due time of every item put into the due-time index (to wake up for it). */
    public void onDue(java.util.function.Consumer<Instant> listener) {
        this.dueListener = listener;
    }

    // ------------------------------------------------------------------------------------------ instances

    public InstanceState instance(String instanceId) {
        byte[] value = store.get(Bytes.wrap(StoreKeys.instance(instanceId)));
        return value == null ? null : StoreCodec.decodeInstance(value);
    }

    public void putInstance(InstanceState state) {
        store.put(Bytes.wrap(StoreKeys.instance(state.instanceId())), StoreCodec.encodeInstance(state));
    }

    public void deleteInstance(String instanceId) {
        store.delete(Bytes.wrap(StoreKeys.instance(instanceId)));
    }

    // ------------------------------------------------------------------------------------------ history

    @Override
    public List<HistoryEvent> read(String instanceId) {
        List<HistoryEvent> events = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = historyRange(instanceId)) {
            while (it.hasNext()) {
                events.addAll(StoreCodec.decodeHistory(it.next().value).events());
            }
        }
        return events;
    }

    /** The first event of the instance's stored history (its ExecutionStarted), or null; reads one chunk. */
    public HistoryEvent firstHistoryEvent(String instanceId) {
        try (KeyValueIterator<Bytes, byte[]> it = historyRange(instanceId)) {
            while (it.hasNext()) {
                List<HistoryEvent> events = StoreCodec.decodeHistory(it.next().value).events();
                if (!events.isEmpty()) {
                    return events.getFirst();
                }
            }
        }
        return null;
    }

    public void appendHistory(HistoryChunk chunk) {
        store.put(Bytes.wrap(StoreKeys.historyChunk(chunk.instanceId(), chunk.firstSeq())), StoreCodec.encodeHistory(chunk));
    }

    /** Deletes every history chunk of the instance. */
    public void dropHistory(String instanceId) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = historyRange(instanceId)) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(store::delete);
    }

    private KeyValueIterator<Bytes, byte[]> historyRange(String instanceId) {
        return store.range(Bytes.wrap(StoreKeys.historyFrom(instanceId)), Bytes.wrap(StoreKeys.historyTo(instanceId)));
    }

    // ------------------------------------------------------------------------------------------ due-time index

    public void putDue(DueItem item) {
        store.put(Bytes.wrap(item.key()), StoreCodec.encodeDue(item));
        dueListener.accept(item.due());
    }

    /** When the earliest item of the due-time index falls due, if there is one. */
    public java.util.Optional<Instant> firstDue() {
        try (var it = store.range(Bytes.wrap(StoreKeys.dueFrom()), Bytes.wrap(StoreKeys.kindTo(StoreKeys.DUE)))) {
            return it.hasNext() ? java.util.Optional.of(StoreCodec.decodeDue(it.next().value).due()) : java.util.Optional.empty();
        }
    }

    public void deleteDue(DueItem item) {
        store.delete(Bytes.wrap(item.key()));
    }

    /** Removes and returns up to {@code max} items due at or before {@code now}, earliest first. */
    public List<DueItem> takeDue(Instant now, int max) {
        List<DueItem> due = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        try (var it = store.range(Bytes.wrap(StoreKeys.dueFrom()), Bytes.wrap(StoreKeys.dueTo(now)))) {
            while (it.hasNext() && due.size() < max) {
                var kv = it.next();
                keys.add(kv.key);
                due.add(StoreCodec.decodeDue(kv.value));
            }
        }
        keys.forEach(store::delete);
        return due;
    }

    // ------------------------------------------------------------------------------------------ entities

    public EntityState entity(String entityId) {
        byte[] value = store.get(Bytes.wrap(StoreKeys.entity(entityId)));
        return value == null ? null : StoreCodec.decodeEntity(value);
    }

    public void putEntity(EntityState entity) {
        store.put(Bytes.wrap(StoreKeys.entity(entity.entityId())), StoreCodec.encodeEntity(entity));
    }

    public void deleteEntity(String entityId) {
        store.delete(Bytes.wrap(StoreKeys.entity(entityId)));
    }

    /** A message waiting in an entity's queue, with the offset of the input record that brought it. */
    public record QueuedMessage(String entityId, long offset, byte[] message) {
    }

    public void enqueue(String entityId, long offset, byte[] message) {
        store.put(Bytes.wrap(StoreKeys.queue(entityId, offset)), message);
    }

    public void dequeue(String entityId, long offset) {
        store.delete(Bytes.wrap(StoreKeys.queue(entityId, offset)));
    }

    /** The entity's waiting messages at offset {@code from} or later, oldest first. */
    public List<QueuedMessage> queue(String entityId, long from) {
        List<QueuedMessage> entries = new ArrayList<>();
        try (var it = store.range(Bytes.wrap(StoreKeys.queue(entityId, from)), Bytes.wrap(StoreKeys.queueTo(entityId)))) {
            while (it.hasNext()) {
                var kv = it.next();
                entries.add(new QueuedMessage(entityId, StoreKeys.numberOf(kv.key.get()), kv.value));
            }
        }
        return entries;
    }

    /** Every entity with waiting messages (a scan of the queues, which are short unless entities are locked). */
    public Set<String> queuedEntities() {
        Set<String> ids = new LinkedHashSet<>();
        try (var it = store.range(Bytes.wrap(StoreKeys.kindFrom(StoreKeys.QUEUE)), Bytes.wrap(StoreKeys.kindTo(StoreKeys.QUEUE)))) {
            while (it.hasNext()) {
                ids.add(StoreKeys.idOf(it.next().key.get()));
            }
        }
        return ids;
    }
}
