package io.durablekafka.gateway.views;

import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.StoreCodec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * How the view stores a durable entity (column family {@code entities}): what the entity list filters on, then the
 * node's record as it came on the changelog (decoded only for entities a query returns).
 * <pre>
 *   exists(1) lastModifiedTime(12) changelogValue
 * </pre>
 */
final class StoredEntity {

    private static final int MODIFIED_AT = 1;
    private static final int HEADER = MODIFIED_AT + StoredTime.BYTES;

    private StoredEntity() {
    }

    static byte[] encode(EntityState entity, byte[] changelogValue) {
        ByteBuffer value = ByteBuffer.allocate(HEADER + changelogValue.length);
        value.put((byte) (entity.exists() ? 1 : 0));
        StoredTime.put(value, entity.lastModifiedTime());
        return value.put(changelogValue).array();
    }

    static boolean exists(byte[] value) {
        return value[0] != 0;
    }

    static Instant lastModifiedTime(byte[] value) {
        return StoredTime.get(value, MODIFIED_AT);
    }

    /** @throws IllegalArgumentException when the node's record cannot be read */
    static EntityState decode(byte[] value) {
        return StoreCodec.decodeEntity(Arrays.copyOfRange(value, HEADER, value.length));
    }
}
