package io.durablekafka.node.tracing;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.tracing.OtelContexts;
import io.durablekafka.common.tracing.SpanAttributes;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.node.instance.StepResult;
import io.durablekafka.node.store.NodeStore;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.time.Instant;

/**
 * The node's spans. An execution is replayed many times, on any node, so its {@code orchestration:<name>} span is
 * made once, when it ends, from stored times (ExecutionStarted to the end). The OpenTelemetry API cannot give a span
 * an ID chosen earlier, so what the instance's records carry meanwhile is the context of its
 * {@code create_orchestration:<name>} span: the orchestration span and the spans of its activities, timers and events
 * are that span's children.
 */
final class SpanningNodeTracing implements NodeTracing {

    private final Tracer tracer;

    SpanningNodeTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public OrchestrationMessage beforeStep(InstanceState before, OrchestrationMessage message, TraceContext fromHeaders,
                                           Instant now) {
        return switch (message) {
            case StartOrchestration s -> created(NodeTracing.withIncomingContext(s, fromHeaders), now);
            case RaiseEvent e -> {
                eventReceived(before, e, fromHeaders, now);
                yield message;
            }
            default -> message;
        };
    }

    /** The start, with the context of its {@code create_orchestration} span, which its instance keeps. */
    private StartOrchestration created(StartOrchestration start, Instant now) {
        Span span = tracer.spanBuilder("create_orchestration:" + start.name())
                .setParent(OtelContexts.parent(start.traceContext()))
                .setSpanKind(SpanKind.PRODUCER)
                .setStartTimestamp(now)
                .setAttribute(SpanAttributes.TYPE, SpanAttributes.TYPE_ORCHESTRATION)
                .setAttribute(SpanAttributes.TASK_NAME, start.name())
                .setAttribute(SpanAttributes.INSTANCE_ID, start.instanceId())
                .startSpan();
        span.end(now);
        return start.withTraceContext(OtelContexts.of(span, start.traceContext()));
    }

    private void eventReceived(InstanceState before, RaiseEvent event, TraceContext fromHeaders, Instant now) {
        TraceContext parent = fromHeaders != null ? fromHeaders : before == null ? null : before.traceContext();
        var builder = tracer.spanBuilder("orchestration_event:" + event.name())
                .setParent(OtelContexts.parent(parent))
                .setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(now)
                .setAttribute(SpanAttributes.TYPE, SpanAttributes.TYPE_EVENT)
                .setAttribute(SpanAttributes.TASK_NAME, event.name())
                .setAttribute(SpanAttributes.EVENT_TARGET, event.instanceId())
                .setAttribute(SpanAttributes.INSTANCE_ID, event.instanceId());
        if (before != null && before.executionId() != null) {
            builder.setAttribute(SpanAttributes.EXECUTION_ID, before.executionId());
        }
        builder.startSpan().end(now);
    }

    @Override
    public void beforeTimer(InstanceState before, DueItem.Timer timer, Instant now) {
        if (before == null) {
            return; // a leftover of a purged instance: nothing fires
        }
        Instant start = timer.fireAt().isBefore(now) ? timer.fireAt() : now;
        tracer.spanBuilder("timer")
                .setParent(OtelContexts.parent(before.traceContext()))
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(start)
                .setAttribute(SpanAttributes.TYPE, SpanAttributes.TYPE_TIMER)
                .setAttribute(SpanAttributes.TASK_NAME, before.name())
                .setAttribute(SpanAttributes.INSTANCE_ID, before.instanceId())
                .setAttribute(SpanAttributes.EXECUTION_ID, before.executionId())
                .setAttribute(SpanAttributes.TASK_ID, (long) timer.timerId())
                .setAttribute(SpanAttributes.FIRE_AT, timer.fireAt().toString())
                .startSpan()
                .end(now);
    }

    @Override
    public void afterStep(InstanceState before, StepResult step, NodeStore store) {
        InstanceState after = step.after();
        if (!step.ended() || after == null) {
            return;
        }
        Instant end = after.lastUpdatedTime();
        Instant start = executionStart(store, after);
        Span span = tracer.spanBuilder("orchestration:" + after.name())
                .setParent(OtelContexts.parent(after.traceContext()))
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(start.isAfter(end) ? end : start)
                .setAttribute(SpanAttributes.TYPE, SpanAttributes.TYPE_ORCHESTRATION)
                .setAttribute(SpanAttributes.TASK_NAME, after.name())
                .setAttribute(SpanAttributes.INSTANCE_ID, after.instanceId())
                .setAttribute(SpanAttributes.EXECUTION_ID, after.executionId())
                .setAttribute(SpanAttributes.STATUS, after.status().name())
                .startSpan();
        if (after.status() == RuntimeStatus.Failed) {
            span.setStatus(StatusCode.ERROR, after.failure() == null ? "Failed" : after.failure().errorMessage());
        }
        span.end(end);
    }

    /** The ExecutionStarted time of the ended execution: the first event of its stored history. */
    private static Instant executionStart(NodeStore store, InstanceState after) {
        HistoryEvent first = store.firstHistoryEvent(after.instanceId());
        if (first instanceof HistoryEvent.ExecutionStarted s && after.executionId().equals(s.executionId())) {
            return s.timestamp();
        }
        return after.createdTime() != null ? after.createdTime() : after.lastUpdatedTime();
    }
}
