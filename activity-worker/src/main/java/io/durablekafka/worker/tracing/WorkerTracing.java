package io.durablekafka.worker.tracing;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.tracing.SpanAttributes;
import io.durablekafka.common.tracing.TraceContext;
import io.opentelemetry.api.OpenTelemetry;

/**
 * What the worker does for tracing around each activity run. {@link #OFF} makes no span: the result carries the
 * task's own trace context back.
 */
public interface WorkerTracing {

    WorkerTracing OFF = (request, incoming) -> ActivitySpan.NONE;

    static WorkerTracing of(OpenTelemetry openTelemetry, boolean enabled) {
        return enabled ? new SpanningWorkerTracing(openTelemetry.getTracer(SpanAttributes.SCOPE)) : OFF;
    }

    /**
     * Starts the span of one run of {@code request}, current on the calling thread until {@link ActivitySpan#end},
     * which must be called on the same thread.
     *
     * @param incoming the task record's trace context (null: none or malformed)
     */
    ActivitySpan start(ActivityRequest request, TraceContext incoming);

    /** One activity run's span. */
    interface ActivitySpan {

        ActivitySpan NONE = new ActivitySpan() {
            @Override
            public TraceContext context(TraceContext incoming) {
                return incoming;
            }

            @Override
            public void end(OrchestrationMessage result) {
            }
        };

        /** The context the result carries: the span's, or {@code incoming} without one. */
        TraceContext context(TraceContext incoming);

        /** Ends the span with the run's outcome ({@code FailTask}: an error). */
        void end(OrchestrationMessage result);
    }
}
