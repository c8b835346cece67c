package io.durablekafka.common.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The encoding of the node's state store values (and so of its changelog): Smile, Jackson's binary JSON, behind a
 * one-byte format version. Smile keeps the JSON data model of the public records (any tool with Jackson reads it)
 * at a fraction of the cost of JSON text; instants are epoch milliseconds. An instance record also carries its
 * {@link InstanceState#revision() revision} in a fixed header, so that a reader can order versions of a record
 * without decoding it.
 */
public final class StoreCodec {

    /** The format byte every value starts with. */
    public static final byte FORMAT = 1;
    private static final int INSTANCE_HEADER = 1 + Long.BYTES;

    private static final ObjectMapper SMILE = SmileMapper.builder(SmileFactory.builder().build())
            .addModule(new JavaTimeModule())
            .addModule(new BlackbirdModule())
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
            .disable(DeserializationFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();
    private static final ObjectWriter INSTANCE_WRITER = SMILE.writerFor(InstanceState.class);
    private static final ObjectReader INSTANCE_READER = SMILE.readerFor(InstanceState.class);
    private static final ObjectWriter CHUNK_WRITER = SMILE.writerFor(HistoryChunk.class);
    private static final ObjectReader CHUNK_READER = SMILE.readerFor(HistoryChunk.class);
    private static final ObjectWriter ENTITY_WRITER = SMILE.writerFor(EntityState.class);
    private static final ObjectReader ENTITY_READER = SMILE.readerFor(EntityState.class);
    private static final ObjectWriter DUE_WRITER = SMILE.writerFor(DueItem.class);
    private static final ObjectReader DUE_READER = SMILE.readerFor(DueItem.class);

    private StoreCodec() {
    }

    public static byte[] encodeInstance(InstanceState state) {
        byte[] body = write(INSTANCE_WRITER, state);
        return ByteBuffer.allocate(INSTANCE_HEADER + body.length).put(FORMAT).putLong(state.revision()).put(body).array();
    }

    public static InstanceState decodeInstance(byte[] value) {
        checkFormat(value);
        return read(INSTANCE_READER, value, INSTANCE_HEADER);
    }

    /** The revision of an encoded instance record, read from its header. */
    public static long revisionOf(byte[] value) {
        checkFormat(value);
        return ByteBuffer.wrap(value, 1, Long.BYTES).getLong();
    }

    public static byte[] encodeHistory(HistoryChunk chunk) {
        return withFormat(write(CHUNK_WRITER, chunk));
    }

    public static HistoryChunk decodeHistory(byte[] value) {
        checkFormat(value);
        return read(CHUNK_READER, value, 1);
    }

    public static byte[] encodeEntity(EntityState entity) {
        return withFormat(write(ENTITY_WRITER, entity));
    }

    public static EntityState decodeEntity(byte[] value) {
        checkFormat(value);
        return read(ENTITY_READER, value, 1);
    }

    public static byte[] encodeDue(DueItem item) {
        return withFormat(write(DUE_WRITER, item));
    }

    public static DueItem decodeDue(byte[] value) {
        checkFormat(value);
        return read(DUE_READER, value, 1);
    }

    private static byte[] withFormat(byte[] body) {
        byte[] value = new byte[body.length + 1];
        value[0] = FORMAT;
        System.arraycopy(body, 0, value, 1, body.length);
        return value;
    }

    private static void checkFormat(byte[] value) {
        if (value == null || value.length == 0 || value[0] != FORMAT) {
            throw new IllegalArgumentException("not a state store value of format " + FORMAT
                    + (value == null || value.length == 0 ? " (empty)" : " (format byte " + value[0] + ")"));
        }
    }

    private static byte[] write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static <T> T read(ObjectReader reader, byte[] value, int offset) {
        try {
            return reader.readValue(value, offset, value.length - offset);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode a state store value: " + e.getMessage(), e);
        }
    }
}
