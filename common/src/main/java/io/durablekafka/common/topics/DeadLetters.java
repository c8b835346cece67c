package io.durablekafka.common.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Headers that say why a record was dead-lettered and where it came from. */
public final class DeadLetters {

    public static final String REASON = "dk.error";
    public static final String SOURCE_TOPIC = "dk.source.topic";
    public static final String SOURCE_PARTITION = "dk.source.partition";
    public static final String SOURCE_OFFSET = "dk.source.offset";

    private DeadLetters() {
    }

    public static Headers headers(String reason, String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(reason));
        if (topic != null) {
            headers.add(SOURCE_TOPIC, bytes(topic));
            headers.add(SOURCE_PARTITION, bytes(Integer.toString(partition)));
            headers.add(SOURCE_OFFSET, bytes(Long.toString(offset)));
        }
        return headers;
    }

    private static byte[] bytes(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
