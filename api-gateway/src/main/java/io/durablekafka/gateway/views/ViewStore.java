package io.durablekafka.gateway.views;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's local copy of a hub's read state, in one RocksDB with three column families:
 * <ul>
 *   <li>{@code status}: instance ID → (inputOffset, InstanceStatus JSON as on the {@code status} topic);</li>
 *   <li>{@code history}: instance ID, 0x00, big-endian seq → HistoryRecord JSON, so one instance's history
 *       is one key range;</li>
 *   <li>{@code pending}: instance ID → (partition, offset, StartOrchestration JSON) for starts that no
 *       status reflects yet.</li>
 * </ul>
 * Written by one thread ({@link ViewTailer}) through {@link Batch}es; read by any thread. Reads that span
 * column families use a snapshot, so they never see half of a batch.
 */
public final class ViewStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ViewStore.class);
    private static final byte[] STATUS_CF = "status".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HISTORY_CF = "history".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PENDING_CF = "pending".getBytes(StandardCharsets.UTF_8);
    /** Entity IDs ({@code @name@key}) start with this; orchestration instance IDs never do. */
    public static final char ENTITY_ID_START = '@';
    /** The first key after every key that starts with {@link #ENTITY_ID_START}. */
    private static final byte[] AFTER_ENTITIES = {(byte) (ENTITY_ID_START + 1)};

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle defaultCf;
    private final ColumnFamilyHandle statusCf;
    private final ColumnFamilyHandle historyCf;
    private final ColumnFamilyHandle pendingCf;
    private final WriteOptions writeOptions;
    /** Guards the native handles against use after close: readers share, close is exclusive. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private ViewStore(Path dir) throws RocksDBException {
        this.dir = dir;
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2);
        this.cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(STATUS_CF, cfOptions),
                new ColumnFamilyDescriptor(HISTORY_CF, cfOptions),
                new ColumnFamilyDescriptor(PENDING_CF, cfOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        this.defaultCf = handles.get(0);
        this.statusCf = handles.get(1);
        this.historyCf = handles.get(2);
        this.pendingCf = handles.get(3);
        // The views are rebuilt from Kafka at every start: a write-ahead log would buy nothing.
        this.writeOptions = new WriteOptions().setDisableWAL(true);
    }

    /**
     * Opens an empty store in {@code dir} (created if needed). Anything already there is deleted: the views
     * are rebuilt from the topics at every start, so they can never miss a tombstone compacted away meanwhile.
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

    /** The instance as clients see it (merge of its status and a pending start), if known. */
    public Optional<InstanceView> find(String instanceId) {
        byte[] key = idKey(instanceId);
        return read(() -> {
            Snapshot snapshot = db.getSnapshot();
            try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
                byte[] status = db.get(statusCf, ro, key);
                byte[] pending = db.get(pendingCf, ro, key);
                return Optional.ofNullable(merge(instanceId, status, pending));
            } finally {
                db.releaseSnapshot(snapshot);
            }
        });
    }

    /** The history records stored for the instance, by sequence number. */
    public List<HistoryRecord> history(String instanceId) {
        byte[] prefix = historyPrefix(instanceId);
        byte[] upper = Arrays.copyOf(prefix, prefix.length);
        upper[upper.length - 1] = 1;
        return read(() -> {
            List<HistoryRecord> records = new ArrayList<>();
            try (Slice bound = new Slice(upper);
                 ReadOptions ro = new ReadOptions().setIterateUpperBound(bound);
                 RocksIterator it = db.newIterator(historyCf, ro)) {
                for (it.seek(prefix); it.isValid(); it.next()) {
                    // An ID that itself contains 0x00 would share the prefix: keep exact (prefix + 8 bytes) keys.
                    if (it.key().length != prefix.length + Long.BYTES) {
                        continue;
                    }
                    HistoryRecord record = parseHistory(it.value());
                    if (record != null) {
                        records.add(record);
                    }
                }
                it.status();
            }
            return records;
        });
    }

    /**
     * Visits every instance whose ID starts with {@code idPrefix} (all when empty), in instance ID order,
     * merged as {@link #find} does, from one consistent snapshot; stops when {@code visitor} returns false.
     */
    public void forEachInstance(String idPrefix, Predicate<InstanceView> visitor) {
        forEachInstance(idPrefix, null, visitor);
    }

    /**
     * Like {@link #forEachInstance(String, Predicate)}, but starts strictly after the instance ID
     * {@code afterId} (null: from the start of the prefix): a seek, not a scan, so a page of a list query
     * costs the instances it visits, whatever the number stored before it.
     */
    public void forEachInstance(String idPrefix, String afterId, Predicate<InstanceView> visitor) {
        forEachInstance(idPrefix, afterId, false, visitor);
    }

    /**
     * Like {@link #forEachInstance(String, String, Predicate)}; with {@code skipEntities}, IDs starting with
     * {@value #ENTITY_ID_START} (durable entities, which share the view with orchestrations) are left out by
     * seeking past their key range, so they cost one seek, not a visit each.
     */
    public void forEachInstance(String idPrefix, String afterId, boolean skipEntities, Predicate<InstanceView> visitor) {
        byte[] prefix = idKey(idPrefix == null ? "" : idPrefix);
        if (skipEntities && prefix.length > 0 && prefix[0] == ENTITY_ID_START) {
            return;
        }
        byte[] after = afterId == null ? null : idKey(afterId);
        byte[] start = after != null && Arrays.compareUnsigned(after, prefix) > 0 ? after : prefix;
        read(() -> {
            Snapshot snapshot = db.getSnapshot();
            try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
                 RocksIterator statuses = db.newIterator(statusCf, ro);
                 RocksIterator pendings = db.newIterator(pendingCf, ro)) {
                statuses.seek(start);
                pendings.seek(start);
                if (after != null) {
                    skipKey(statuses, after);
                    skipKey(pendings, after);
                }
                while (true) {
                    byte[] sk = validWithPrefix(statuses, prefix);
                    byte[] pk = validWithPrefix(pendings, prefix);
                    if (sk == null && pk == null) {
                        break;
                    }
                    int cmp = sk == null ? 1 : pk == null ? -1 : Arrays.compareUnsigned(sk, pk);
                    byte[] key = cmp <= 0 ? sk : pk;
                    if (skipEntities && key.length > 0 && key[0] == ENTITY_ID_START) {
                        // Every key from "@" up to (excluding) "A" is an entity: jump past them all.
                        statuses.seek(AFTER_ENTITIES);
                        pendings.seek(AFTER_ENTITIES);
                        continue;
                    }
                    byte[] status = cmp <= 0 ? statuses.value() : null;
                    byte[] pending = cmp >= 0 ? pendings.value() : null;
                    if (cmp <= 0) {
                        statuses.next();
                    }
                    if (cmp >= 0) {
                        pendings.next();
                    }
                    InstanceView view = merge(new String(key, StandardCharsets.UTF_8), status, pending);
                    if (view != null && !visitor.test(view)) {
                        break;
                    }
                }
                statuses.status();
                pendings.status();
            } finally {
                db.releaseSnapshot(snapshot);
            }
            return null;
        });
    }

    /** All starts no status reflects yet (normally few: starts the nodes have not processed yet). */
    public List<PendingStart> pendingStarts() {
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
        return read(() -> {
            try (RocksIterator it = db.newIterator(pendingCf)) {
                it.seekToFirst();
                return it.isValid();
            }
        });
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

    /**
     * The merge rule: a pending start at offset o wins over the status S when S is absent or
     * {@code S.inputOffset < o}; then the instance shows as Pending with the start's name and input.
     */
    static InstanceView merge(String instanceId, byte[] statusValue, byte[] pendingValue) {
        PendingStart pending = pendingValue == null ? null : decodePending(instanceId, pendingValue);
        if (statusValue != null && (pending == null || inputOffsetOf(statusValue) >= pending.offset())) {
            InstanceStatus status = decodeStatus(statusValue);
            if (status != null) {
                return new InstanceView(status, null);
            }
        }
        if (pending == null) {
            return null;
        }
        StartOrchestration start = pending.start();
        Instant created = start.requestedTime();
        InstanceStatus synthetic = new InstanceStatus(instanceId, start.name(), null, RuntimeStatus.Pending,
                start.input(), null, null, null, created, created,
                start.parent() == null ? null : start.parent().instanceId(), 0, pending.offset());
        return new InstanceView(synthetic, pending);
    }

    // ---------------------------------------------------------------------------------------------------
    // Writes (the tailer thread only)

    Batch batch() {
        return new Batch();
    }

    /** Changes applied atomically by {@link #commit()}; lookups see the batch's own earlier changes. */
    final class Batch implements AutoCloseable {

        private final WriteBatchWithIndex wb = new WriteBatchWithIndex(true);
        private final ReadOptions ro = new ReadOptions();
        private int count;

        /** Indexes a start unless a status already reflects it (inputOffset at or past its offset). */
        void indexStart(String instanceId, int partition, long offset, byte[] startJson) throws RocksDBException {
            byte[] key = idKey(instanceId);
            byte[] status = wb.getFromBatchAndDB(db, statusCf, ro, key);
            if (status != null && inputOffsetOf(status) >= offset) {
                return;
            }
            byte[] existing = wb.getFromBatchAndDB(db, pendingCf, ro, key);
            if (existing != null && pendingOffsetOf(existing) >= offset) {
                return;
            }
            ByteBuffer value = ByteBuffer.allocate(Integer.BYTES + Long.BYTES + startJson.length);
            value.putInt(partition).putLong(offset).put(startJson);
            wb.put(pendingCf, key, value.array());
            count++;
        }

        /** Stores a status and drops the pending start it supersedes. */
        void putStatus(String instanceId, long inputOffset, byte[] statusJson) throws RocksDBException {
            byte[] key = idKey(instanceId);
            ByteBuffer value = ByteBuffer.allocate(Long.BYTES + statusJson.length);
            value.putLong(inputOffset).put(statusJson);
            wb.put(statusCf, key, value.array());
            byte[] pending = wb.getFromBatchAndDB(db, pendingCf, ro, key);
            if (pending != null && pendingOffsetOf(pending) <= inputOffset) {
                wb.delete(pendingCf, key);
            }
            count++;
        }

        void deleteStatus(String instanceId) throws RocksDBException {
            wb.delete(statusCf, idKey(instanceId));
            count++;
        }

        void putHistory(String instanceId, long seq, byte[] recordJson) throws RocksDBException {
            wb.put(historyCf, historyKey(instanceId, seq), recordJson);
            count++;
        }

        void deleteHistory(String instanceId, long seq) throws RocksDBException {
            wb.delete(historyCf, historyKey(instanceId, seq));
            count++;
        }

        /** Drops the pending start of the instance if it is still the one at {@code offset}. */
        void dropPending(String instanceId, long offset) throws RocksDBException {
            byte[] key = idKey(instanceId);
            byte[] pending = wb.getFromBatchAndDB(db, pendingCf, ro, key);
            if (pending != null && pendingOffsetOf(pending) == offset) {
                wb.delete(pendingCf, key);
                count++;
            }
        }

        void commit() throws RocksDBException {
            if (count > 0) {
                write(() -> {
                    db.write(writeOptions, wb);
                    return null;
                });
            }
        }

        @Override
        public void close() {
            ro.close();
            wb.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Encoding

    static byte[] idKey(String instanceId) {
        return instanceId.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] historyPrefix(String instanceId) {
        byte[] id = idKey(instanceId);
        byte[] prefix = Arrays.copyOf(id, id.length + 1);
        prefix[id.length] = 0;
        return prefix;
    }

    static byte[] historyKey(String instanceId, long seq) {
        byte[] prefix = historyPrefix(instanceId);
        return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(seq).array();
    }

    private static long inputOffsetOf(byte[] statusValue) {
        return ByteBuffer.wrap(statusValue).getLong(0);
    }

    private static long pendingOffsetOf(byte[] pendingValue) {
        return ByteBuffer.wrap(pendingValue).getLong(Integer.BYTES);
    }

    private static InstanceStatus decodeStatus(byte[] value) {
        try {
            return Json.MAPPER.readValue(value, Long.BYTES, value.length - Long.BYTES, InstanceStatus.class);
        } catch (IOException e) {
            LOG.warn("skipping unreadable status in the view: {}", e.getMessage());
            return null;
        }
    }

    private static PendingStart decodePending(String instanceId, byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        int partition = buf.getInt();
        long offset = buf.getLong();
        int start = Integer.BYTES + Long.BYTES;
        try {
            OrchestrationMessage m = Json.MAPPER.readValue(value, start, value.length - start, OrchestrationMessage.class);
            return m instanceof StartOrchestration s ? new PendingStart(instanceId, partition, offset, s) : null;
        } catch (IOException e) {
            LOG.warn("skipping unreadable pending start in the view: {}", e.getMessage());
            return null;
        }
    }

    private static HistoryRecord parseHistory(byte[] value) {
        try {
            return Json.MAPPER.readValue(value, HistoryRecord.class);
        } catch (JsonProcessingException e) {
            LOG.warn("skipping unreadable history record in the view: {}", e.getMessage());
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Lifecycle

    @FunctionalInterface
    private interface DbCall<T> {
        T call() throws RocksDBException;
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

    /** Closes the database; the directory stays (see {@link #deleteRecursively}). */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            writeOptions.close();
            for (ColumnFamilyHandle h : List.of(statusCf, historyCf, pendingCf, defaultCf)) {
                h.close();
            }
            db.close();
            cfOptions.close();
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
