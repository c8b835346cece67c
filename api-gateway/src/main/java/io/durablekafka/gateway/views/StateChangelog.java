package io.durablekafka.gateway.views;

import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changelog of the nodes' one state store ({@code dk.<hub>.node-state-changelog}) as the views read it: the
 * keys of instances, history chunks and entities (see {@link StoreKeys}) update the view; the nodes' timer index
 * and entity queues do not concern it. A tombstone means the node deleted the key (a purge, an old execution's
 * history, a deleted entity).
 */
final class StateChangelog {

    private static final Logger LOG = LoggerFactory.getLogger(StateChangelog.class);
    private static final int MIN_HISTORY_KEY = 2 + Long.BYTES;

    private StateChangelog() {
    }

    /**
     * Applies one changelog record to the batch.
     *
     * @return the ID of the instance or entity whose view changed (to wake its waiters), or null
     */
    static String apply(ViewStore.Batch batch, ConsumerRecord<byte[], byte[]> r) throws RocksDBException {
        byte[] key = r.key();
        if (key == null || key.length == 0) {
            return null;
        }
        try {
            return switch (StoreKeys.kindOf(key)) {
                case StoreKeys.INSTANCE -> applyInstance(batch, StoreKeys.idOf(key), r.value());
                case StoreKeys.HISTORY -> applyHistory(batch, key, r.value());
                case StoreKeys.ENTITY -> applyEntity(batch, StoreKeys.idOf(key), r.value());
                default -> null;
            };
        } catch (IllegalArgumentException e) {
            LOG.warn("skipping unreadable state record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    private static String applyInstance(ViewStore.Batch batch, String id, byte[] value) throws RocksDBException {
        if (value == null) {
            batch.deleteInstance(id);
            return id;
        }
        InstanceState state = StoreCodec.decodeInstance(value);
        if (!id.equals(state.instanceId())) {
            throw new IllegalArgumentException("the record of instance '" + state.instanceId() + "' is keyed '" + id + "'");
        }
        batch.putInstance(state.toStatus());
        return id;
    }

    private static String applyHistory(ViewStore.Batch batch, byte[] key, byte[] value) throws RocksDBException {
        if (key.length < MIN_HISTORY_KEY) {
            throw new IllegalArgumentException("a history key of " + key.length + " bytes is too short");
        }
        if (value == null) {
            batch.deleteHistory(key);
        } else {
            batch.putHistory(key, value);
        }
        return null;
    }

    private static String applyEntity(ViewStore.Batch batch, String id, byte[] value) throws RocksDBException {
        if (value == null) {
            batch.deleteEntity(id);
            return id;
        }
        EntityState entity = StoreCodec.decodeEntity(value);
        if (!id.equals(entity.entityId())) {
            throw new IllegalArgumentException("the record of entity '" + entity.entityId() + "' is keyed '" + id + "'");
        }
        batch.putEntity(entity, value);
        return id;
    }
}
