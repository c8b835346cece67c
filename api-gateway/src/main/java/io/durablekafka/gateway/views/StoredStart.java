package io.durablekafka.gateway.views;

import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * How the view stores a pending start (column family {@code pending}): where the record is on
 * {@code orchestrations} and the time it shows as {@code createdTime}, then the record's JSON as it came.
 * <pre>
 *   partition(4) offset(8) requestedTime(12) json(StartOrchestration)
 * </pre>
 */
final class StoredStart {

    private static final int OFFSET_AT = Integer.BYTES;
    private static final int REQUESTED_AT = OFFSET_AT + Long.BYTES;
    /** The header's length: the part of a value the list filters read. */
    static final int HEADER = REQUESTED_AT + StoredTime.BYTES;

    private StoredStart() {
    }

    static byte[] encode(int partition, long offset, Instant requestedTime, byte[] startJson) {
        ByteBuffer value = ByteBuffer.allocate(HEADER + startJson.length);
        value.putInt(partition).putLong(offset);
        StoredTime.put(value, requestedTime);
        return value.put(startJson).array();
    }

    static long offset(byte[] value) {
        return ByteBuffer.wrap(value).getLong(OFFSET_AT);
    }

    static Instant requestedTime(byte[] value) {
        return StoredTime.get(value, REQUESTED_AT);
    }

    /** The pending start, or null when the stored JSON is not a start (it always is: the tailer checked it). */
    static PendingStart decode(String instanceId, byte[] value) throws IOException {
        int partition = ByteBuffer.wrap(value).getInt(0);
        OrchestrationMessage m = Json.MAPPER.readValue(value, HEADER, value.length - HEADER, OrchestrationMessage.class);
        return m instanceof StartOrchestration s ? new PendingStart(instanceId, partition, offset(value), s) : null;
    }
}
