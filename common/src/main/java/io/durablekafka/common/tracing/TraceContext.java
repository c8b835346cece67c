package io.durablekafka.common.tracing;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A W3C trace context (<a href="https://www.w3.org/TR/trace-context/">Trace Context</a>): the {@code traceparent}
 * and the optional vendor {@code tracestate} a request or record arrived with. Kept as the two header strings, not
 * parsed into IDs, so that carrying it costs nothing when tracing is off; {@link #parse} only lets well-formed ones
 * in, since W3C says a malformed {@code traceparent} is ignored (and its {@code tracestate} with it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TraceContext(String traceparent, String tracestate) {

    /** W3C: a {@code tracestate} longer than this may be dropped; we drop it rather than truncate it. */
    static final int MAX_TRACESTATE = 512;
    private static final int VERSION_00_LENGTH = 55;

    /** The context, or null when {@code traceparent} is absent or malformed (never an exception). */
    public static TraceContext parse(String traceparent, String tracestate) {
        if (!isValidTraceparent(traceparent)) {
            return null;
        }
        String state = tracestate == null || tracestate.isBlank() || tracestate.length() > MAX_TRACESTATE
                ? null : tracestate.strip();
        return new TraceContext(traceparent, state);
    }

    /** The 32 hex digits of the trace ID. */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    /** The 16 hex digits of the parent span ID. */
    public String spanId() {
        return traceparent.substring(36, 52);
    }

    /**
     * {@code version-traceid-parentid-flags}, lower-case hex; trace and span IDs not all zeros; version {@code ff}
     * is invalid; a later version may append {@code -...} fields, version 00 may not.
     */
    static boolean isValidTraceparent(String s) {
        if (s == null || s.length() < VERSION_00_LENGTH) {
            return false;
        }
        if (s.charAt(2) != '-' || s.charAt(35) != '-' || s.charAt(52) != '-') {
            return false;
        }
        if (!hex(s, 0, 2) || !hex(s, 3, 35) || !hex(s, 36, 52) || !hex(s, 53, 55)) {
            return false;
        }
        String version = s.substring(0, 2);
        if (version.equals("ff")) {
            return false;
        }
        if (s.length() > VERSION_00_LENGTH && (version.equals("00") || s.charAt(VERSION_00_LENGTH) != '-')) {
            return false;
        }
        return !zeros(s, 3, 35) && !zeros(s, 36, 52);
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
