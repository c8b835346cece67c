package io.durablekafka.common.messages;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Optional record headers. Our producers set {@link #TYPE} to the value's {@code type} so that readers
 * interested in a few types can skip the others without parsing JSON; readers must not rely on it being
 * there (external producers may leave it out).
 */
public final class MessageHeaders {

    public static final String TYPE = "dk.type";

    private MessageHeaders() {
    }

    public static void setType(Headers headers, String type) {
        headers.remove(TYPE);
        headers.add(TYPE, type.getBytes(StandardCharsets.UTF_8));
    }

    /** The type header, or null when absent. */
    public static String type(Headers headers) {
        Header h = headers.lastHeader(TYPE);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The {@code type} name of a message, as written in its JSON. */
    public static String typeOf(OrchestrationMessage message) {
        return message.getClass().getSimpleName();
    }
}
