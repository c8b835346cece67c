package io.durablekafka.gateway.views;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * How the view stores an instance's status (column family {@code instances}): a fixed header with what the merge
 * rule and the list filters need, then the status in Smile (binary JSON), decoded only for instances a query
 * returns.
 * <pre>
 *   inputOffset(8) runtimeStatus(1) createdTime(12) smile(InstanceStatus)
 * </pre>
 * The view is rebuilt from Kafka at every start, so this format is private to one process and may change freely
 * (the status byte is the enum's ordinal).
 */
final class StoredInstance {

    private static final int STATUS_AT = Long.BYTES;
    private static final int CREATED_AT = STATUS_AT + 1;
    /** The header's length: the part of a value the list filters read. */
    static final int HEADER = CREATED_AT + StoredTime.BYTES;
    private static final RuntimeStatus[] STATUSES = RuntimeStatus.values();
    private static final SmileMapper SMILE = SmileMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new BlackbirdModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();
    private static final ObjectWriter WRITER = SMILE.writerFor(InstanceStatus.class);
    private static final ObjectReader READER = SMILE.readerFor(InstanceStatus.class);

    private StoredInstance() {
    }

    /** @throws IllegalArgumentException for a status without a runtime status (nothing the API could show) */
    static byte[] encode(InstanceStatus status) {
        if (status.runtimeStatus() == null) {
            throw new IllegalArgumentException("instance '" + status.instanceId() + "' has no runtime status");
        }
        byte[] body;
        try {
            body = WRITER.writeValueAsBytes(status);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the status of '" + status.instanceId() + "': "
                    + e.getMessage(), e);
        }
        ByteBuffer value = ByteBuffer.allocate(HEADER + body.length);
        value.putLong(status.inputOffset()).put((byte) status.runtimeStatus().ordinal());
        StoredTime.put(value, status.createdTime());
        return value.put(body).array();
    }

    static long inputOffset(byte[] value) {
        return ByteBuffer.wrap(value).getLong(0);
    }

    static RuntimeStatus runtimeStatus(byte[] value) {
        return STATUSES[value[STATUS_AT]];
    }

    static Instant createdTime(byte[] value) {
        return StoredTime.get(value, CREATED_AT);
    }

    static InstanceStatus decode(byte[] value) throws IOException {
        return READER.readValue(value, HEADER, value.length - HEADER);
    }
}
