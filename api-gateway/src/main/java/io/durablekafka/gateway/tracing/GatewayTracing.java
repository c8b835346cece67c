package io.durablekafka.gateway.tracing;

import io.durablekafka.common.tracing.SpanAttributes;
import io.durablekafka.common.tracing.TraceContext;
import io.opentelemetry.api.OpenTelemetry;

/**
 * The gateway's server spans, one per API request ({@code Management.StartOrchestration}, ...), continuing the
 * request's {@code traceparent}. {@link #OFF} makes none: the request's own context is what the gateway's records
 * carry.
 */
public interface GatewayTracing {

    GatewayTracing OFF = (operation, method, route, instanceId, incoming) -> RequestSpan.NONE;

    static GatewayTracing of(OpenTelemetry openTelemetry, boolean enabled) {
        return enabled ? new SpanningGatewayTracing(openTelemetry.getTracer(SpanAttributes.SCOPE)) : OFF;
    }

    /**
     * Starts the span of a request to the route of operation {@code operation} (the route's name, as in the OpenAPI
     * document).
     *
     * @param instanceId the instance or entity the request is about (null: none)
     * @param incoming   the request's trace context (null: none or malformed)
     */
    RequestSpan start(String operation, String method, String route, String instanceId, TraceContext incoming);

    /** One request's span. */
    interface RequestSpan {

        RequestSpan NONE = new RequestSpan() {
            @Override
            public TraceContext context(TraceContext incoming) {
                return incoming;
            }

            @Override
            public void end(int status, Throwable error) {
            }
        };

        /** The context the request's records carry: the span's, or {@code incoming} without one. */
        TraceContext context(TraceContext incoming);

        /** @param error what the handler threw (null: it returned); {@code status} is then the response's */
        void end(int status, Throwable error);
    }
}
