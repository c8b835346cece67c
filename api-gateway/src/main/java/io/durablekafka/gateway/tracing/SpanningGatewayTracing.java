package io.durablekafka.gateway.tracing;

import io.durablekafka.common.tracing.OtelContexts;
import io.durablekafka.common.tracing.SpanAttributes;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.gateway.api.ApiException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/** Server spans of API requests, named by {@link SpanNames}, with the HTTP semantic-convention attributes. */
final class SpanningGatewayTracing implements GatewayTracing {

    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    private final Tracer tracer;

    SpanningGatewayTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public RequestSpan start(String operation, String method, String route, String instanceId, TraceContext incoming) {
        var builder = tracer.spanBuilder(SpanNames.of(operation))
                .setParent(OtelContexts.parent(incoming))
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_METHOD, method)
                .setAttribute(HTTP_ROUTE, route);
        if (instanceId != null) {
            builder.setAttribute(SpanAttributes.INSTANCE_ID, instanceId);
        }
        return new Request(builder.startSpan());
    }

    private record Request(Span span) implements RequestSpan {

        @Override
        public TraceContext context(TraceContext incoming) {
            return OtelContexts.of(span, incoming);
        }

        @Override
        public void end(int status, Throwable error) {
            int code = error == null ? status : error instanceof ApiException a ? a.status() : 500;
            span.setAttribute(HTTP_STATUS, (long) code);
            if (code >= 500) {
                span.setStatus(StatusCode.ERROR, error == null ? "HTTP " + code : String.valueOf(error.getMessage()));
            }
            span.end();
        }
    }
}
