package io.durablekafka.worker.tracing;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.tracing.OtelContexts;
import io.durablekafka.common.tracing.SpanAttributes;
import io.durablekafka.common.tracing.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/** {@code activity:<name>} spans, children of the task record's trace context, current while the activity runs. */
final class SpanningWorkerTracing implements WorkerTracing {

    private final Tracer tracer;

    SpanningWorkerTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public ActivitySpan start(ActivityRequest request, TraceContext incoming) {
        var builder = tracer.spanBuilder("activity:" + request.name())
                .setParent(OtelContexts.parent(incoming))
                // A server span, as durabletask's: the worker serves the orchestration's request for this task.
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(SpanAttributes.TYPE, SpanAttributes.TYPE_ACTIVITY)
                .setAttribute(SpanAttributes.TASK_NAME, request.name())
                .setAttribute(SpanAttributes.INSTANCE_ID, request.instanceId())
                .setAttribute(SpanAttributes.TASK_ID, (long) request.taskId());
        if (request.executionId() != null) {
            builder.setAttribute(SpanAttributes.EXECUTION_ID, request.executionId());
        }
        Span span = builder.startSpan();
        return new Running(span, span.makeCurrent());
    }

    private record Running(Span span, Scope scope) implements ActivitySpan {

        @Override
        public TraceContext context(TraceContext incoming) {
            return OtelContexts.of(span, incoming);
        }

        @Override
        public void end(OrchestrationMessage result) {
            scope.close();
            if (result instanceof FailTask f) {
                span.setStatus(StatusCode.ERROR, f.failure() == null ? "failed" : f.failure().errorMessage());
            }
            span.end();
        }
    }
}
