package io.durablekafka.gateway.views;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import io.durablekafka.sdk.EntityInstanceId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's local copy of a hub's read state, in one RocksDB with these column families:
 * <ul>
 *   <li>{@code instances}: instance ID → the node's latest status of the instance ({@link StoredInstance});</li>
 *   <li>{@code pending}: instance ID → a start that no status reflects yet ({@link StoredStart});</li>
 *   <li>{@code by-status}: the index of instances by the status clients see ({@link StatusIndex});</li>
 *   <li>{@code history}: the node's history chunks under their changelog keys ({@link StoreKeys#historyChunk}),
 *       so one instance's history is one key range;</li>
 *   <li>{@code entities}: entity ID → the node's record of a durable entity ({@link StoredEntity}).</li>
 * </ul>
 * Written by one thread ({@link ViewTailer}) through {@link Batch}es, which keep the index in step with the
 * instances and pending starts; read by any thread. Reads that span column families use a snapshot, so they never
 * see half of a batch.
 */
public final class ViewStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ViewStore.class);
    private static final byte[] INSTANCES_CF = "instances".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PENDING_CF = "pending".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BY_STATUS_CF = "by-status".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HISTORY_CF = "history".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ENTITIES_CF = "entities".getBytes(StandardCharsets.UTF_8);
    /** The first key after every entity ID: instance walks jump here when they meet one. */
    private static final byte[] AFTER_ENTITY_IDS = {EntityInstanceId.ID_START + 1};
    private static final long BLOCK_CACHE_BYTES = 128L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final BloomFilter bloomFilter;
    private final LRUCache blockCache;
    private final RocksDB db;
    private final ColumnFamilyHandle defaultCf;
    private final ColumnFamilyHandle instancesCf;
    private final ColumnFamilyHandle pendingCf;
    private final ColumnFamilyHandle byStatusCf;
    private final ColumnFamilyHandle historyCf;
    private final ColumnFamilyHandle entitiesCf;
    private final WriteOptions writeOptions;
    /** Guards the native handles against use after close: readers share, close is exclusive. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;
    /**
     * Pending starts in the store. Normally few, but a burst of starts leaves as many deleted entries (tombstones)
     * behind as it had starts, which every seek into the column family steps over until compaction removes them:
     * with none pending, walks leave the column family alone, and the deletes are compacted away in the background.
     */
    private final java.util.concurrent.atomic.AtomicLong pendingCount = new java.util.concurrent.atomic.AtomicLong();
    private long pendingDeletesSinceCompaction;
    /** Entries the status index dropped (an instance's status moved) since it was last compacted. */
    private long indexDeletesSinceCompaction;
    private static final long COMPACT_INDEX_AFTER_DELETES = 200_000;
    private final java.util.concurrent.ExecutorService compactor = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dk-gateway-view-compaction");
        t.setDaemon(true);
        return t;
    });
    private static final long COMPACT_AFTER_DELETES = 10_000;

    private ViewStore(Path dir) throws RocksDBException {
        this.dir = dir;
        // Atomic flush: without a write-ahead log, memtables of all column families go to disk together, so after a
        // crash the files hold a prefix of the batches, with the positions saved in the last of them (see resume).
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2).setAtomicFlush(true);
        // Bloom filters: the tailer looks up the current record of every instance it writes, and at start-up
        // (a rebuild of the whole view) almost all of those look-ups miss.
        this.bloomFilter = new BloomFilter(10, false);
        // Larger than RocksDB's default (32 MB): the index and the records lists read at 1M instances stay in it.
        this.blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        this.cfOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloomFilter).setBlockCache(blockCache));
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(INSTANCES_CF, cfOptions),
                new ColumnFamilyDescriptor(PENDING_CF, cfOptions),
                new ColumnFamilyDescriptor(BY_STATUS_CF, cfOptions),
                new ColumnFamilyDescriptor(HISTORY_CF, cfOptions),
                new ColumnFamilyDescriptor(ENTITIES_CF, cfOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        this.defaultCf = handles.get(0);
        this.instancesCf = handles.get(1);
        this.pendingCf = handles.get(2);
        this.byStatusCf = handles.get(3);
        this.historyCf = handles.get(4);
        this.entitiesCf = handles.get(5);
        // The views are rebuilt from Kafka at every start: a write-ahead log would buy nothing.
        this.writeOptions = new WriteOptions().setDisableWAL(true);
        // A store kept from an earlier run may hold pending starts.
        try (RocksIterator it = db.newIterator(pendingCf)) {
            long n = 0;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
            pendingCount.set(n);
        }
    }

    /**
     * What a store saved with its last batch: the consumer positions it reflects (the next offset to read of each
     * partition) and when it saved them (wall clock, ms).
     */
    public record Saved(Map<org.apache.kafka.common.TopicPartition, Long> positions, long savedAtMillis) {
    }

    private static final byte[] SAVED_KEY = "saved-positions".getBytes(StandardCharsets.UTF_8);

    /**
     * Opens the store kept in {@code dir} by an earlier run as it is (an empty one where there is none): the caller
     * resumes from {@link #saved()} or, when it may not, reopens it with {@link #open}.
     */
    public static ViewStore openKept(Path dir) {
        try {
            Files.createDirectories(dir);
            return new ViewStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare view directory " + dir, e);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open view store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The positions saved with the last batch written, if any. */
    public Optional<Saved> saved() {
        return read(() -> Optional.ofNullable(db.get(defaultCf, SAVED_KEY)).map(ViewStore::decodeSaved));
    }

    private static byte[] encodeSaved(Map<org.apache.kafka.common.TopicPartition, Long> positions, long savedAtMillis) {
        StringBuilder b = new StringBuilder().append(savedAtMillis).append('\n');
        positions.forEach((tp, offset) -> b.append(tp.topic()).append('\t').append(tp.partition()).append('\t')
                .append(offset).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Saved decodeSaved(byte[] value) {
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n");
        Map<org.apache.kafka.common.TopicPartition, Long> positions = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            positions.put(new org.apache.kafka.common.TopicPartition(f[0], Integer.parseInt(f[1])), Long.parseLong(f[2]));
        }
        return new Saved(Map.copyOf(positions), Long.parseLong(lines[0]));
    }

    /**
     * Saves the positions the store reflects at once (outside a batch of records): at a clean stop, so that a
     * restart soon after may resume even when no record arrived for a long time.
     */
    void savePositions(Map<org.apache.kafka.common.TopicPartition, Long> positions) throws RocksDBException {
        byte[] value = encodeSaved(positions, System.currentTimeMillis());
        write(() -> {
            db.put(defaultCf, writeOptions, SAVED_KEY, value);
            return null;
        });
    }

    /**
     * Opens an empty store in {@code dir} (created if needed). Anything already there is deleted: a rebuild from
     * the topics' beginnings (see {@link ReadViews} for when a kept store may be resumed instead).
     */
    public static ViewStore open(Path dir) {
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            return new ViewStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare view directory " + dir, e);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open view store in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    // ---------------------------------------------------------------------------------------------------
    // Reads

    /**
     * The instance as clients see it (merge of its status and a pending start), if known. For an entity ID, the
     * entity shown as a status ({@link EntityView#toStatus()}) while it exists.
     */
    public Optional<InstanceView> find(String instanceId) {
        if (EntityInstanceId.isEntityId(instanceId)) {
            Optional<EntityView> entity = findEntity(instanceId).filter(EntityView::exists);
            if (entity.isPresent()) {
                return Optional.of(new InstanceView(entity.get().toStatus(), null));
            }
        }
        byte[] key = idKey(instanceId);
        return read(() -> withSnapshot(ro -> Optional.ofNullable(
                merge(instanceId, db.get(instancesCf, ro, key), db.get(pendingCf, ro, key)))));
    }

    /** The node's record of the entity, if it has one (with or without state). */
    public Optional<EntityView> findEntity(String entityId) {
        return read(() -> Optional.ofNullable(entityView(db.get(entitiesCf, idKey(entityId)))));
    }

    /**
     * The history events stored for the instance, by sequence number, without the node's episode markers
     * ({@code OrchestratorStarted}), which the API never shows.
     */
    public List<HistoryRecord> history(String instanceId) {
        byte[] from = StoreKeys.historyFrom(instanceId);
        byte[] to = StoreKeys.historyTo(instanceId);
        return read(() -> {
            List<HistoryRecord> records = new ArrayList<>();
            try (RocksIterator it = db.newIterator(historyCf)) {
                for (it.seek(from); it.isValid() && Arrays.compareUnsigned(it.key(), to) <= 0; it.next()) {
                    HistoryChunk chunk;
                    try {
                        chunk = StoreCodec.decodeHistory(it.value());
                    } catch (IllegalArgumentException e) {
                        LOG.warn("skipping an unreadable history chunk of '{}' in the view: {}", instanceId, e.getMessage());
                        continue;
                    }
                    for (int i = 0; i < chunk.events().size(); i++) {
                        HistoryEvent event = chunk.events().get(i);
                        if (!(event instanceof HistoryEvent.OrchestratorStarted)) {
                            records.add(new HistoryRecord(instanceId, chunk.executionId(), chunk.firstSeq() + i, event));
                        }
                    }
                }
                it.status();
            }
            return records;
        });
    }

    /**
     * Visits the orchestration instances whose ID starts with {@code idPrefix} ({@code ""}: all) and is strictly
     * after {@code afterId} (null: from the start of the prefix), in instance ID order, from one consistent
     * snapshot; stops when {@code visitor} returns false. Entity IDs ('@' first: pending starts of such IDs, which
     * the nodes refuse) are left out with one seek. With {@code statuses}, only instances that show one of them are
     * visited, walking the status index: the others cost nothing, and a visit reads a few bytes; each instance the
     * visitor asks for costs a look-up. Without, the walk reads the records in order.
     *
     * @param statuses the runtime statuses to visit, walking the index (empty: any, walking the records)
     */
    public void forEachInstance(String idPrefix, Set<RuntimeStatus> statuses, String afterId,
                                Predicate<ListedInstance> visitor) {
        byte[] prefix = idKey(idPrefix == null ? "" : idPrefix);
        if (prefix.length > 0 && prefix[0] == EntityInstanceId.ID_START) {
            return;
        }
        byte[] after = afterId == null ? null : idKey(afterId);
        byte[] start = after != null && Arrays.compareUnsigned(after, prefix) > 0 ? after : prefix;
        read(() -> withSnapshot(ro -> {
            if (statuses.isEmpty()) {
                walkInstances(ro, prefix, start, after, visitor);
            } else {
                walkIndex(ro, statuses, prefix, start, after, visitor);
            }
            return null;
        }));
    }

    /**
     * Every instance in ID order: the merge of the {@code instances} and {@code pending} key ranges. A visit copies
     * only the values' headers; a value is read in full only when the visitor asks for the instance.
     */
    private void walkInstances(ReadOptions ro, byte[] prefix, byte[] start, byte[] after,
                               Predicate<ListedInstance> visitor) throws RocksDBException {
        byte[] statusHeader = new byte[StoredInstance.HEADER];
        byte[] pendingHeader = new byte[StoredStart.HEADER];
        boolean anyPending = pendingCount.get() > 0;
        try (RocksIterator statuses = db.newIterator(instancesCf, ro);
             RocksIterator pendings = db.newIterator(pendingCf, ro)) {
            statuses.seek(start);
            if (anyPending) {
                pendings.seek(start);
            }
            if (after != null) {
                skipKey(statuses, after);
                skipKey(pendings, after);
            }
            byte[] sk = validWithPrefix(statuses, prefix);
            byte[] pk = anyPending ? validWithPrefix(pendings, prefix) : null;
            while (sk != null || pk != null) {
                int cmp = sk == null ? 1 : pk == null ? -1 : Arrays.compareUnsigned(sk, pk);
                byte[] key = cmp <= 0 ? sk : pk;
                if (key.length > 0 && key[0] == EntityInstanceId.ID_START) {
                    statuses.seek(AFTER_ENTITY_IDS);
                    if (anyPending) {
                        pendings.seek(AFTER_ENTITY_IDS);
                    }
                } else {
                    boolean hasStatus = cmp <= 0 && statuses.value(statusHeader) >= 0;
                    boolean hasPending = cmp >= 0 && pendings.value(pendingHeader) >= 0;
                    StatusIndex.Entry shown = shown(hasStatus ? statusHeader : null, hasPending ? pendingHeader : null);
                    String id = new String(key, StandardCharsets.UTF_8);
                    boolean more = visitor.test(new ListedInstance(id, shown.status(), shown.createdTime(),
                            () -> merge(id, hasStatus ? statuses.value() : null, hasPending ? pendings.value() : null)));
                    if (!more) {
                        break;
                    }
                    if (cmp <= 0) {
                        statuses.next();
                    }
                    if (cmp >= 0) {
                        pendings.next();
                    }
                }
                sk = validWithPrefix(statuses, prefix);
                pk = anyPending ? validWithPrefix(pendings, prefix) : null;
            }
            statuses.status();
            if (anyPending) {
                pendings.status();
            }
        }
    }

    /**
     * The instances under some statuses in ID order: one iterator per status over the index, merged. Only matches
     * are looked up (from the same snapshot) when a visitor asks for them.
     */
    private void walkIndex(ReadOptions ro, Set<RuntimeStatus> statuses, byte[] prefix, byte[] start, byte[] after,
                           Predicate<ListedInstance> visitor) throws RocksDBException {
        List<RocksIterator> its = new ArrayList<>(statuses.size());
        List<byte[]> ranges = new ArrayList<>(statuses.size());
        try {
            for (RuntimeStatus status : statuses) {
                RocksIterator it = db.newIterator(byStatusCf, ro);
                its.add(it);
                ranges.add(StatusIndex.key(status, prefix));
                it.seek(StatusIndex.key(status, start));
                if (after != null) {
                    skipKey(it, StatusIndex.key(status, after));
                }
            }
            // The current key of each iterator (null: its range is done), refreshed only when it moves.
            byte[][] current = new byte[its.size()][];
            for (int i = 0; i < its.size(); i++) {
                current[i] = validWithPrefix(its.get(i), ranges.get(i));
            }
            while (true) {
                int min = -1;
                for (int i = 0; i < current.length; i++) {
                    byte[] key = current[i];
                    if (key != null && (min < 0 || Arrays.compareUnsigned(key, 1, key.length, current[min], 1,
                            current[min].length) < 0)) {
                        min = i;
                    }
                }
                if (min < 0) {
                    break;
                }
                byte[] key = current[min];
                RocksIterator it = its.get(min);
                if (key.length > 1 && key[1] == EntityInstanceId.ID_START) {
                    it.seek(StatusIndex.key(StatusIndex.statusOf(key), AFTER_ENTITY_IDS));
                    current[min] = validWithPrefix(it, ranges.get(min));
                    continue;
                }
                Instant created = StatusIndex.createdTime(it.value());
                it.next();
                current[min] = validWithPrefix(it, ranges.get(min));
                String id = StatusIndex.idOf(key);
                byte[] idKey = Arrays.copyOfRange(key, 1, key.length);
                if (!visitor.test(new ListedInstance(id, StatusIndex.statusOf(key), created,
                        () -> lookUp(ro, id, idKey)))) {
                    break;
                }
            }
            for (RocksIterator it : its) {
                it.status();
            }
        } finally {
            its.forEach(RocksIterator::close);
        }
    }

    private InstanceView lookUp(ReadOptions ro, String id, byte[] idKey) {
        try {
            return merge(id, db.get(instancesCf, ro, idKey), db.get(pendingCf, ro, idKey));
        } catch (RocksDBException e) {
            throw new IllegalStateException("view store read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Visits the durable entities whose ID starts with {@code idPrefix} and is strictly after {@code afterId} (null:
     * from the start of the prefix), in entity ID order; stops when {@code visitor} returns false.
     */
    public void forEachEntity(String idPrefix, String afterId, Predicate<ListedEntity> visitor) {
        byte[] prefix = idKey(idPrefix == null ? "" : idPrefix);
        byte[] after = afterId == null ? null : idKey(afterId);
        byte[] start = after != null && Arrays.compareUnsigned(after, prefix) > 0 ? after : prefix;
        read(() -> {
            try (RocksIterator it = db.newIterator(entitiesCf)) {
                it.seek(start);
                if (after != null) {
                    skipKey(it, after);
                }
                for (byte[] key; (key = validWithPrefix(it, prefix)) != null; it.next()) {
                    byte[] value = it.value();
                    ListedEntity listed = new ListedEntity(new String(key, StandardCharsets.UTF_8),
                            StoredEntity.exists(value), StoredEntity.lastModifiedTime(value), () -> entityView(value));
                    if (!visitor.test(listed)) {
                        break;
                    }
                }
                it.status();
            }
            return null;
        });
    }

    /** All starts no status reflects yet (normally few: starts the nodes have not processed yet). */
    public List<PendingStart> pendingStarts() {
        if (pendingCount.get() == 0) {
            return List.of();
        }
        return read(() -> {
            List<PendingStart> result = new ArrayList<>();
            try (RocksIterator it = db.newIterator(pendingCf)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    PendingStart p = decodePending(new String(it.key(), StandardCharsets.UTF_8), it.value());
                    if (p != null) {
                        result.add(p);
                    }
                }
                it.status();
            }
            return result;
        });
    }

    public boolean hasPendingStarts() {
        return pendingCount.get() > 0;
    }

    /** Drops deleted entries of a column family (in the background, asked for by the tailer). */
    private void compact(ColumnFamilyHandle cf) {
        try {
            read(() -> {
                db.compactRange(cf);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debug("compaction of a view column family failed", e);
        }
    }

    private static void skipKey(RocksIterator it, byte[] key) {
        if (it.isValid() && Arrays.equals(it.key(), key)) {
            it.next();
        }
    }

    private static byte[] validWithPrefix(RocksIterator it, byte[] prefix) {
        if (!it.isValid()) {
            return null;
        }
        byte[] key = it.key();
        if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
            return null;
        }
        return key;
    }

    // ---------------------------------------------------------------------------------------------------
    // The merge rule

    /** Whether the node's status shows, rather than a pending start: it reflects the start (or there is none). */
    private static boolean statusWins(byte[] status, byte[] pending) {
        return status != null && (pending == null || StoredInstance.inputOffset(status) >= StoredStart.offset(pending));
    }

    /** Status and created time of what clients see, from the stored headers; null when there is nothing. */
    private static StatusIndex.Entry shown(byte[] status, byte[] pending) {
        if (statusWins(status, pending)) {
            return new StatusIndex.Entry(StoredInstance.runtimeStatus(status), StoredInstance.createdTime(status));
        }
        return pending == null ? null : new StatusIndex.Entry(RuntimeStatus.Pending, StoredStart.requestedTime(pending));
    }

    /**
     * The merge rule: a pending start at offset o wins over the status S when S is absent or
     * {@code S.inputOffset < o}; then the instance shows as Pending with the start's name and input.
     */
    static InstanceView merge(String instanceId, byte[] statusValue, byte[] pendingValue) {
        if (statusWins(statusValue, pendingValue)) {
            try {
                return new InstanceView(StoredInstance.decode(statusValue), null);
            } catch (IOException e) {
                LOG.error("skipping an unreadable status of '{}' in the view: {}", instanceId, e.getMessage());
                return null;
            }
        }
        PendingStart pending = pendingValue == null ? null : decodePending(instanceId, pendingValue);
        if (pending == null) {
            return null;
        }
        StartOrchestration start = pending.start();
        Instant created = start.requestedTime();
        InstanceStatus synthetic = new InstanceStatus(instanceId, start.name(), null, RuntimeStatus.Pending,
                start.input(), null, null, null, created, created,
                start.parent() == null ? null : start.parent().instanceId(), 0, pending.offset(), start.version(),
                start.tags());
        return new InstanceView(synthetic, pending);
    }

    private static PendingStart decodePending(String instanceId, byte[] value) {
        try {
            return StoredStart.decode(instanceId, value);
        } catch (IOException e) {
            LOG.warn("skipping an unreadable pending start of '{}' in the view: {}", instanceId, e.getMessage());
            return null;
        }
    }

    private static EntityView entityView(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return new EntityView(StoredEntity.decode(value));
        } catch (IllegalArgumentException e) {
            LOG.error("skipping an unreadable entity in the view: {}", e.getMessage());
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Writes (the tailer thread only)

    Batch batch() {
        return new Batch();
    }

    /**
     * Changes applied atomically by {@link #commit()}; lookups see the batch's own earlier changes. Every change of
     * an instance or a pending start moves the instance's {@link StatusIndex} entry along in the same batch.
     */
    final class Batch implements AutoCloseable {

        private final WriteBatch wb = new WriteBatch();
        /**
         * This batch's own writes of instances and pending starts (null: deleted), which its later look-ups must
         * see: kept here rather than in an indexed write batch, whose upkeep costs more than the look-ups it saves.
         */
        private final Map<ByteBuffer, byte[]> instances = new HashMap<>();
        private final Map<ByteBuffer, byte[]> pendings = new HashMap<>();
        private int count;
        private long pendingDelta;
        private long pendingDeletes;
        private long indexDeletes;

        /** Stores the node's status of an instance and drops the pending start it supersedes. */
        void putInstance(InstanceStatus status) throws RocksDBException {
            byte[] key = idKey(status.instanceId());
            byte[] value = StoredInstance.encode(status);
            byte[] old = current(instancesCf, instances, key);
            byte[] pending = current(pendingCf, pendings, key);
            StatusIndex.Entry before = shown(old, pending);
            put(instancesCf, instances, key, value);
            if (pending != null && StoredStart.offset(pending) <= status.inputOffset()) {
                put(pendingCf, pendings, key, null);
                pending = null;
            }
            reindex(key, before, shown(value, pending));
        }

        /** The node deleted the instance (purged): only a pending start of it may remain. */
        void deleteInstance(String instanceId) throws RocksDBException {
            byte[] key = idKey(instanceId);
            byte[] old = current(instancesCf, instances, key);
            if (old == null) {
                return;
            }
            byte[] pending = current(pendingCf, pendings, key);
            put(instancesCf, instances, key, null);
            reindex(key, shown(old, pending), shown(null, pending));
        }

        /**
         * Indexes a start seen at {@code offset} of {@code orchestrations} partition {@code partition}, unless a
         * status already reflects it (inputOffset at or past its offset) or a later start is pending.
         */
        void indexStart(String instanceId, int partition, long offset, StartOrchestration start, byte[] startJson)
                throws RocksDBException {
            byte[] key = idKey(instanceId);
            byte[] status = current(instancesCf, instances, key);
            if (status != null && StoredInstance.inputOffset(status) >= offset) {
                return;
            }
            byte[] existing = current(pendingCf, pendings, key);
            if (existing != null && StoredStart.offset(existing) >= offset) {
                return;
            }
            byte[] value = StoredStart.encode(partition, offset, start.requestedTime(), startJson);
            put(pendingCf, pendings, key, value);
            reindex(key, shown(status, existing), shown(status, value));
        }

        /** Drops the pending start of the instance if it is still the one at {@code offset}. */
        void dropPending(String instanceId, long offset) throws RocksDBException {
            byte[] key = idKey(instanceId);
            byte[] pending = current(pendingCf, pendings, key);
            if (pending != null && StoredStart.offset(pending) == offset) {
                byte[] status = current(instancesCf, instances, key);
                put(pendingCf, pendings, key, null);
                reindex(key, shown(status, pending), shown(status, null));
            }
        }

        private byte[] current(ColumnFamilyHandle cf, Map<ByteBuffer, byte[]> written, byte[] key)
                throws RocksDBException {
            ByteBuffer k = ByteBuffer.wrap(key);
            if (written.containsKey(k)) {
                return written.get(k);
            }
            return read(() -> db.get(cf, key));
        }

        /** Puts, or deletes when {@code value} is null. */
        private void put(ColumnFamilyHandle cf, Map<ByteBuffer, byte[]> written, byte[] key, byte[] value)
                throws RocksDBException {
            if (cf == pendingCf) {
                boolean existed = current(cf, written, key) != null;
                pendingDelta += (value != null ? 1 : 0) - (existed ? 1 : 0);
                if (value == null && existed) {
                    pendingDeletes++;
                }
            }
            if (value == null) {
                wb.delete(cf, key);
            } else {
                wb.put(cf, key, value);
            }
            written.put(ByteBuffer.wrap(key), value);
        }

        /** A history chunk under its changelog key ({@link StoreKeys#historyChunk}), as the node wrote it. */
        void putHistory(byte[] chunkKey, byte[] chunkValue) throws RocksDBException {
            wb.put(historyCf, chunkKey, chunkValue);
            count++;
        }

        void deleteHistory(byte[] chunkKey) throws RocksDBException {
            wb.delete(historyCf, chunkKey);
            count++;
        }

        /** The node's record of an entity ({@code changelogValue}: as it came, {@code entity}: decoded). */
        void putEntity(EntityState entity, byte[] changelogValue) throws RocksDBException {
            wb.put(entitiesCf, idKey(entity.entityId()), StoredEntity.encode(entity, changelogValue));
            count++;
        }

        void deleteEntity(String entityId) throws RocksDBException {
            wb.delete(entitiesCf, idKey(entityId));
            count++;
        }

        /** Moves the instance's index entry from what clients saw before to what they see now. */
        private void reindex(byte[] key, StatusIndex.Entry before, StatusIndex.Entry after) throws RocksDBException {
            count++;
            if (Objects.equals(before, after)) {
                return;
            }
            if (before != null && (after == null || before.status() != after.status())) {
                wb.delete(byStatusCf, StatusIndex.key(before.status(), key));
                indexDeletes++;
            }
            if (after != null) {
                wb.put(byStatusCf, StatusIndex.key(after.status(), key), StatusIndex.value(after.createdTime()));
            }
        }

        /** Saves, with this batch's changes, the consumer positions the store reflects once it is written. */
        void savePositions(Map<org.apache.kafka.common.TopicPartition, Long> positions) throws RocksDBException {
            wb.put(defaultCf, SAVED_KEY, encodeSaved(positions, System.currentTimeMillis()));
            count++;
        }

        void commit() throws RocksDBException {
            if (count > 0) {
                write(() -> {
                    db.write(writeOptions, wb);
                    return null;
                });
            }
            long pending = pendingCount.addAndGet(pendingDelta);
            pendingDeletesSinceCompaction += pendingDeletes;
            if (pending == 0 && pendingDeletesSinceCompaction >= COMPACT_AFTER_DELETES) {
                pendingDeletesSinceCompaction = 0;
                compactor.execute(() -> compact(pendingCf));
            }
            // The index moves every instance from key to key as its status changes; a status many instances left
            // (Running, when a burst completes) is a range of deleted entries that filtered lists step over until
            // compaction drops them.
            indexDeletesSinceCompaction += indexDeletes;
            if (indexDeletesSinceCompaction >= COMPACT_INDEX_AFTER_DELETES) {
                indexDeletesSinceCompaction = 0;
                compactor.execute(() -> compact(byStatusCf));
            }
        }

        @Override
        public void close() {
            wb.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Lifecycle

    static byte[] idKey(String instanceId) {
        return instanceId.getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface DbCall<T> {
        T call() throws RocksDBException;
    }

    @FunctionalInterface
    private interface SnapshotCall<T> {
        T call(ReadOptions ro) throws RocksDBException;
    }

    private <T> T withSnapshot(SnapshotCall<T> call) throws RocksDBException {
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
            return call.call(ro);
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    private <T> T read(DbCall<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the view store is closed");
            }
            return call.call();
        } catch (RocksDBException e) {
            throw new IllegalStateException("view store read failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private <T> T write(DbCall<T> call) throws RocksDBException {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the view store is closed");
            }
            return call.call();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Compacts every column family (for measurements of the store's size on disk). */
    void compact() throws RocksDBException {
        for (ColumnFamilyHandle cf : List.of(instancesCf, pendingCf, byStatusCf, historyCf, entitiesCf)) {
            db.compactRange(cf);
        }
    }

    /** Flushes the memtables to files (for measurements of the store's size on disk). */
    void flush() throws RocksDBException {
        try (var options = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(options, List.of(instancesCf, pendingCf, byStatusCf, historyCf, entitiesCf));
        }
    }

    /** Closes the database; the directory stays (see {@link #deleteRecursively}). */
    @Override
    public void close() {
        compactor.shutdownNow();
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            writeOptions.close();
            for (ColumnFamilyHandle h : List.of(instancesCf, pendingCf, byStatusCf, historyCf, entitiesCf, defaultCf)) {
                h.close();
            }
            db.close();
            cfOptions.close();
            bloomFilter.close();
            blockCache.close();
            dbOptions.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
