package io.durablekafka.node.tracing;

import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.tracing.SpanAttributes;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.node.instance.StepResult;
import io.durablekafka.node.store.NodeStore;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Instant;

/**
 * What the node does for tracing, told by the processor around each step (as {@code NodeMetrics} is): which trace
 * context a start gives its instance, and the spans. {@link #OFF} makes no spans and allocates nothing beyond a start
 * taking its context from the record's header; the instance's context then travels unchanged.
 */
public interface NodeTracing {

    NodeTracing OFF = new NodeTracing() {
    };

    /** Spans through {@code openTelemetry}, or {@link #OFF} for the no-op one. */
    static NodeTracing of(OpenTelemetry openTelemetry, boolean enabled) {
        return enabled ? new SpanningNodeTracing(openTelemetry.getTracer(SpanAttributes.SCOPE)) : OFF;
    }

    /**
     * Before a message's step: the message the step should apply. A start gets the trace context it will keep
     * (the field, else the record's {@code traceparent} header; with spans, the node's span for it).
     *
     * @param fromHeaders the input record's trace context (null: none or malformed)
     */
    default OrchestrationMessage beforeStep(InstanceState before, OrchestrationMessage message, TraceContext fromHeaders,
                                            Instant now) {
        return message instanceof StartOrchestration s ? withIncomingContext(s, fromHeaders) : message;
    }

    /** Before the step of a fired timer. */
    default void beforeTimer(InstanceState before, DueItem.Timer timer, Instant now) {
    }

    /** After a step was written (its history is in {@code store}). */
    default void afterStep(InstanceState before, StepResult step, NodeStore store) {
    }

    /**
     * The start's own context if well-formed (external producers may write the field), else the record's header. Returns
     * {@code start} itself when nothing changes.
     */
    static StartOrchestration withIncomingContext(StartOrchestration start, TraceContext fromHeaders) {
        TraceContext field = start.traceContext();
        TraceContext valid = field == null ? null : TraceContext.parse(field.traceparent(), field.tracestate());
        TraceContext context = valid != null ? valid : fromHeaders;
        return java.util.Objects.equals(context, field) ? start : start.withTraceContext(context);
    }
}
