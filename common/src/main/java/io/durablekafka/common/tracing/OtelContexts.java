package io.durablekafka.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;

/**
 * Converts between {@link TraceContext} and OpenTelemetry's {@link Context}, through the W3C propagator, so that the
 * formats stay the SDK's. Used only where spans are made (tracing on).
 */
public final class OtelContexts {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<TraceContext> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceContext carrier) {
            return List.of(TraceHeaders.TRACEPARENT, TraceHeaders.TRACESTATE);
        }

        @Override
        public String get(TraceContext carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return TraceHeaders.TRACEPARENT.equals(key) ? carrier.traceparent()
                    : TraceHeaders.TRACESTATE.equals(key) ? carrier.tracestate() : null;
        }
    };

    private static final TextMapSetter<String[]> SETTER = (carrier, key, value) -> {
        if (TraceHeaders.TRACEPARENT.equals(key)) {
            carrier[0] = value;
        } else if (TraceHeaders.TRACESTATE.equals(key)) {
            carrier[1] = value;
        }
    };

    private OtelContexts() {
    }

    /** The parent context of a span continuing {@code trace}: the root context when it is null. */
    public static Context parent(TraceContext trace) {
        return trace == null ? Context.root() : W3C.extract(Context.root(), trace, GETTER);
    }

    /** The context to propagate for {@code span}: its own IDs, or {@code fallback} when it is not recording. */
    public static TraceContext of(Span span, TraceContext fallback) {
        SpanContext sc = span.getSpanContext();
        if (!sc.isValid()) {
            return fallback;
        }
        String[] carrier = new String[2];
        W3C.inject(Context.root().with(span), carrier, SETTER);
        TraceContext ctx = TraceContext.parse(carrier[0], carrier[1]);
        return ctx == null ? fallback : ctx;
    }
}
