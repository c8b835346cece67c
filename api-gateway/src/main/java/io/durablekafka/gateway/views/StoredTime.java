package io.durablekafka.gateway.views;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * An instant in a fixed 12-byte field of a stored value (epoch seconds, then nanoseconds), so list filters read it
 * where it lies without decoding the rest of the value, at full precision.
 */
final class StoredTime {

    static final int BYTES = Long.BYTES + Integer.BYTES;
    /** Seconds value that marks an absent instant (no real instant is that early). */
    private static final long ABSENT = Long.MIN_VALUE;

    private StoredTime() {
    }

    static void put(ByteBuffer buffer, Instant time) {
        if (time == null) {
            buffer.putLong(ABSENT).putInt(0);
        } else {
            buffer.putLong(time.getEpochSecond()).putInt(time.getNano());
        }
    }

    /** The instant stored at {@code offset} of {@code bytes}, or null when absent. */
    static Instant get(byte[] bytes, int offset) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long seconds = b.getLong(offset);
        return seconds == ABSENT ? null : Instant.ofEpochSecond(seconds, b.getInt(offset + Long.BYTES));
    }
}
