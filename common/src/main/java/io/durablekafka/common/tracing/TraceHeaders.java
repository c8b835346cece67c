package io.durablekafka.common.tracing;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The Kafka header codec of {@link TraceContext}: the same names as the HTTP headers ({@code traceparent},
 * {@code tracestate}), as the OpenTelemetry Kafka instrumentations write them, so that any producer or consumer
 * with W3C propagation joins the trace.
 */
public final class TraceHeaders {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private TraceHeaders() {
    }

    /** The record's context, or null when it has none or a malformed one. */
    public static TraceContext read(Headers headers) {
        if (headers == null) {
            return null;
        }
        Header parent = headers.lastHeader(TRACEPARENT);
        if (parent == null || parent.value() == null) {
            return null;
        }
        Header state = headers.lastHeader(TRACESTATE);
        return TraceContext.parse(utf8(parent), state == null || state.value() == null ? null : utf8(state));
    }

    /** Replaces the record's trace headers by {@code context}'s (null: leaves the headers alone). */
    public static void write(Headers headers, TraceContext context) {
        if (context == null) {
            return;
        }
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        headers.add(TRACEPARENT, context.traceparent().getBytes(StandardCharsets.UTF_8));
        if (context.tracestate() != null) {
            headers.add(TRACESTATE, context.tracestate().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String utf8(Header h) {
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
