package io.durablekafka.common.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The key layout of the node's one state store, and so of its changelog topic
 * ({@code dk.<hub>.node-state-changelog}), which the gateways read. The first byte says what a key holds:
 * <ul>
 *   <li>{@code 'I' utf8(id)}: an orchestration instance ({@link InstanceState});</li>
 *   <li>{@code 'H' utf8(id) 0x00 firstSeq(8)}: a chunk of its history ({@link HistoryChunk}), one per step, so an
 *       instance's history is one ordered key range;</li>
 *   <li>{@code 'T' due(8) kind(1) suffix}: the due-time index of timers and scheduled entity signals
 *       ({@link DueItem}): whatever is due is a prefix of this range;</li>
 *   <li>{@code 'E' utf8(entityId)}: a durable entity ({@link EntityState});</li>
 *   <li>{@code 'Q' utf8(entityId) 0x00 inputOffset(8)}: a message waiting in an entity's queue (its JSON as it
 *       came).</li>
 * </ul>
 * Numbers are big-endian, so byte order is numeric order. IDs never contain 0x00 (instance IDs have no control
 * characters; the node refuses those that do).
 */
public final class StoreKeys {

    public static final byte INSTANCE = 'I';
    public static final byte HISTORY = 'H';
    public static final byte DUE = 'T';
    public static final byte ENTITY = 'E';
    public static final byte QUEUE = 'Q';

    /** Kinds of {@link #DUE} entries. */
    public static final byte DUE_TIMER = 't';
    public static final byte DUE_SIGNAL = 's';

    private StoreKeys() {
    }

    public static byte[] instance(String instanceId) {
        return prefixed(INSTANCE, instanceId);
    }

    public static byte[] entity(String entityId) {
        return prefixed(ENTITY, entityId);
    }

    public static byte[] historyChunk(String instanceId, long firstSeq) {
        return idAndNumber(HISTORY, instanceId, firstSeq);
    }

    /** Inclusive bounds of every history chunk of the instance. */
    public static byte[] historyFrom(String instanceId) {
        return idAndNumber(HISTORY, instanceId, 0);
    }

    public static byte[] historyTo(String instanceId) {
        return idAndNumber(HISTORY, instanceId, Long.MAX_VALUE);
    }

    public static byte[] queue(String entityId, long offset) {
        return idAndNumber(QUEUE, entityId, Math.max(0, offset));
    }

    public static byte[] queueTo(String entityId) {
        return idAndNumber(QUEUE, entityId, Long.MAX_VALUE);
    }

    public static byte[] due(Instant due, byte kind, byte[] suffix) {
        // Rounded up to the millisecond: an item is never taken before its time.
        long millis = due.toEpochMilli() + (due.getNano() % 1_000_000 == 0 ? 0 : 1);
        return ByteBuffer.allocate(1 + Long.BYTES + 1 + suffix.length).put(DUE)
                .putLong(Math.max(0, millis)).put(kind).put(suffix).array();
    }

    /** Inclusive bounds of every due entry at or before {@code now}. */
    public static byte[] dueFrom() {
        return new byte[]{DUE};
    }

    public static byte[] dueTo(Instant now) {
        // Keys due at now+1 ms sort after this 9-byte key, keys due at or before now before it.
        return ByteBuffer.allocate(1 + Long.BYTES).put(DUE).putLong(Math.max(0, now.toEpochMilli()) + 1).array();
    }

    /** Inclusive bounds of one kind's keys (for full scans at start-up, e.g. every entity queue). */
    public static byte[] kindFrom(byte kind) {
        return new byte[]{kind};
    }

    public static byte[] kindTo(byte kind) {
        return new byte[]{(byte) (kind + 1)};
    }

    public static byte kindOf(byte[] key) {
        return key.length == 0 ? 0 : key[0];
    }

    /** The instance or entity ID of an {@code I}, {@code E}, {@code H} or {@code Q} key. */
    public static String idOf(byte[] key) {
        return switch (kindOf(key)) {
            case INSTANCE, ENTITY -> new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
            case HISTORY, QUEUE -> new String(key, 1, key.length - 2 - Long.BYTES, StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException("key of kind '" + (char) kindOf(key) + "' has no ID");
        };
    }

    /** The sequence number of an {@code H} key or the offset of a {@code Q} key. */
    public static long numberOf(byte[] key) {
        return ByteBuffer.wrap(key, key.length - Long.BYTES, Long.BYTES).getLong();
    }

    /** True when an {@code H} or {@code Q} key belongs to exactly {@code id} (not to an ID that extends it). */
    public static boolean isOf(byte[] key, String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return key.length == 1 + utf8.length + 1 + Long.BYTES
                && Arrays.equals(key, 1, 1 + utf8.length, utf8, 0, utf8.length) && key[1 + utf8.length] == 0;
    }

    private static byte[] prefixed(byte kind, String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[1 + utf8.length];
        key[0] = kind;
        System.arraycopy(utf8, 0, key, 1, utf8.length);
        return key;
    }

    private static byte[] idAndNumber(byte kind, String id, long number) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + utf8.length + 1 + Long.BYTES).put(kind).put(utf8).put((byte) 0).putLong(number)
                .array();
    }
}
