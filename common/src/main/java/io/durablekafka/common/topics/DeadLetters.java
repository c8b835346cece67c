package io.durablekafka.common.topics;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Headers that say why a record was dead-lettered and where it came from. A dead letter keeps the original
 * record's key, value and headers (so that {@code durable-kafka deadletters replay} can send it back as it was) and
 * adds these.
 */
public final class DeadLetters {

    public static final String REASON = "dk.error";
    public static final String SOURCE_TOPIC = "dk.source.topic";
    public static final String SOURCE_PARTITION = "dk.source.partition";
    public static final String SOURCE_OFFSET = "dk.source.offset";
    /**
     * Set on a record re-sent from the dead-letter topic: {@code <dead-letter topic>:<partition>:<offset>} of the
     * dead letter it was made from. Readers ignore it; a replayed record that is dead-lettered again keeps it.
     */
    public static final String REPLAYED_FROM = "dk.replayed.from";

    /** The headers a dead-lettering adds, which a replay takes off again. */
    public static final Set<String> ADDED = Set.of(REASON, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET);

    private DeadLetters() {
    }

    /** The dead letter's headers: the original record's ({@code original}, may be null) and why and where from. */
    public static Headers headers(Headers original, String reason, String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        if (original != null) {
            for (Header h : original) {
                if (!ADDED.contains(h.key())) {
                    headers.add(h.key(), h.value());
                }
            }
        }
        headers.add(REASON, bytes(reason));
        if (topic != null) {
            headers.add(SOURCE_TOPIC, bytes(topic));
            headers.add(SOURCE_PARTITION, bytes(Integer.toString(partition)));
            headers.add(SOURCE_OFFSET, bytes(Long.toString(offset)));
        }
        return headers;
    }

    /** The last value of header {@code key} as UTF-8, or null. */
    public static String header(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
