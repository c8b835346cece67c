package io.durablekafka.deploy.deadletters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record of {@code dk.<hub>.deadletter}: the original key, value and headers, plus the {@link DeadLetters}
 * headers (why, and where it came from).
 */
record DeadLetter(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, Headers headers) {

    static DeadLetter of(ConsumerRecord<byte[], byte[]> r) {
        return new DeadLetter(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
    }

    /** {@code partition:offset}, as {@code deadletters replay --offset} takes it. */
    String position() {
        return partition + ":" + offset;
    }

    String reason() {
        return DeadLetters.header(headers, DeadLetters.REASON);
    }

    String sourceTopic() {
        return DeadLetters.header(headers, DeadLetters.SOURCE_TOPIC);
    }

    /** {@code topic:partition:offset} of the original record, or null when the dead letter does not say. */
    String source() {
        String topic = sourceTopic();
        return topic == null ? null : topic + ":" + DeadLetters.header(headers, DeadLetters.SOURCE_PARTITION) + ":"
                + DeadLetters.header(headers, DeadLetters.SOURCE_OFFSET);
    }

    String replayedFrom() {
        return DeadLetters.header(headers, DeadLetters.REPLAYED_FROM);
    }

    /**
     * The original record again, for its source topic: key, value and headers as they were (without the headers
     * the dead-lettering added, and without an earlier {@link DeadLetters#REPLAYED_FROM}), plus
     * {@link DeadLetters#REPLAYED_FROM} naming this dead letter. The partition is left to the key, as for any
     * producer of the contract.
     */
    ProducerRecord<byte[], byte[]> replay() {
        RecordHeaders h = new RecordHeaders();
        for (Header header : headers) {
            if (!DeadLetters.ADDED.contains(header.key()) && !header.key().equals(DeadLetters.REPLAYED_FROM)) {
                h.add(header.key(), header.value());
            }
        }
        h.add(DeadLetters.REPLAYED_FROM, (topic + ":" + position()).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(sourceTopic(), null, key, value, h);
    }

    /** One line: position, time, key, reason, source, replayed-from, value preview. */
    String line(int previewChars) {
        StringBuilder b = new StringBuilder();
        b.append(position()).append("  ").append(Instant.ofEpochMilli(timestamp))
                .append("  key=").append(oneLine(text(key), 200))
                .append("  reason=").append(oneLine(reason(), 400))
                .append("  source=").append(source() == null ? "(unknown)" : source());
        if (replayedFrom() != null) {
            b.append("  replayed-from=").append(replayedFrom());
        }
        b.append("  value=").append(value == null ? "(null)" : oneLine(text(value), previewChars));
        return b.toString();
    }

    /** For {@code --json}: every field, the whole value (as text when it is UTF-8, else base64) and the headers. */
    ObjectNode json() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("partition", partition);
        o.put("offset", offset);
        o.put("timestamp", Instant.ofEpochMilli(timestamp).toString());
        o.put("key", text(key));
        o.put("reason", reason());
        o.put("sourceTopic", sourceTopic());
        String p = DeadLetters.header(headers, DeadLetters.SOURCE_PARTITION);
        String off = DeadLetters.header(headers, DeadLetters.SOURCE_OFFSET);
        if (p != null && off != null) {
            o.put("sourcePartition", Integer.parseInt(p));
            o.put("sourceOffset", Long.parseLong(off));
        }
        if (replayedFrom() != null) {
            o.put("replayedFrom", replayedFrom());
        }
        if (value == null) {
            o.putNull("value");
        } else if (isUtf8(value)) {
            o.put("value", text(value));
        } else {
            o.put("valueBase64", java.util.Base64.getEncoder().encodeToString(value));
        }
        ObjectNode hs = o.putObject("headers");
        for (Header h : headers) {
            hs.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return o;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** The text on one line (control characters escaped), cut to {@code max} characters. */
    static String oneLine(String s, int max) {
        if (s == null) {
            return "(null)";
        }
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return i < s.length() ? b + "... (" + s.length() + " chars)" : b.toString();
    }
}
