package io.durablekafka.gateway.views;

import io.durablekafka.common.status.RuntimeStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The secondary index of the views by runtime status (column family {@code by-status}): one entry per instance,
 * under the status clients see (a pending start's instance under Pending), so a list filtered by status walks
 * only the instances that have it, in instance ID order, and never decodes the others.
 * <pre>
 *   key:   runtimeStatus(1) utf8(instanceId)
 *   value: createdTime(12)      (for the createdTime filters, so they need no look-up either)
 * </pre>
 */
final class StatusIndex {

    private static final RuntimeStatus[] STATUSES = RuntimeStatus.values();

    private StatusIndex() {
    }

    /** What an instance is indexed under: its status and created time as clients see them. */
    record Entry(RuntimeStatus status, Instant createdTime) {
    }

    static byte[] key(RuntimeStatus status, byte[] idKey) {
        byte[] key = new byte[1 + idKey.length];
        key[0] = (byte) status.ordinal();
        System.arraycopy(idKey, 0, key, 1, idKey.length);
        return key;
    }

    static byte[] value(Instant createdTime) {
        ByteBuffer value = ByteBuffer.allocate(StoredTime.BYTES);
        StoredTime.put(value, createdTime);
        return value.array();
    }

    static RuntimeStatus statusOf(byte[] key) {
        return STATUSES[key[0]];
    }

    static String idOf(byte[] key) {
        return new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
    }

    static Instant createdTime(byte[] value) {
        return StoredTime.get(value, 0);
    }
}
