package io.durablekafka.common.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

    static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aValidTraceparentIsKeptWithItsState() {
        TraceContext ctx = TraceContext.parse(VALID, " rojo=00f067aa0ba902b7 ");
        assertEquals(new TraceContext(VALID, "rojo=00f067aa0ba902b7"), ctx);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", ctx.traceId());
        assertEquals("00f067aa0ba902b7", ctx.spanId());
        // A later version may add fields after the flags.
        assertEquals("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz",
                TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz", null).traceparent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
    void aMalformedTraceparentIsIgnoredWithItsState(String traceparent) {
        assertNull(TraceContext.parse(traceparent, "a=b"));
    }

    @Test
    void anOversizedTracestateIsDropped() {
        assertNull(TraceContext.parse(VALID, "a=" + "x".repeat(TraceContext.MAX_TRACESTATE)).tracestate());
    }

    @Test
    void headersRoundTripAndBadHeadersReadAsNone() {
        var headers = new RecordHeaders();
        TraceHeaders.write(headers, new TraceContext(VALID, "a=b"));
        TraceHeaders.write(headers, new TraceContext(VALID, null)); // replaces, does not pile up
        assertEquals(new TraceContext(VALID, null), TraceHeaders.read(headers));
        headers.remove(TraceHeaders.TRACEPARENT);
        headers.add(TraceHeaders.TRACEPARENT, "nope".getBytes(StandardCharsets.UTF_8));
        assertNull(TraceHeaders.read(headers));
    }

    @Test
    void theStartCarriesItsContextAsAnOptionalField() {
        var start = StartOrchestration.of("i", "N", null).withTraceContext(new TraceContext(VALID, "a=b"));
        String json = Json.toString(start);
        assertEquals(true, json.contains("\"traceContext\":{\"traceparent\":\"" + VALID + "\",\"tracestate\":\"a=b\"}"), json);
        var read = (StartOrchestration) Json.fromBytes(json.getBytes(StandardCharsets.UTF_8), OrchestrationMessage.class);
        assertEquals(start.traceContext(), read.traceContext());
        assertEquals(false, Json.toString(StartOrchestration.of("i", "N", null)).contains("traceContext"));
    }
}
