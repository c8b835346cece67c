package io.durablekafka.gateway.observability;

import io.durablekafka.common.observability.Observability;
import io.durablekafka.common.observability.ProbeResponses;
import io.durablekafka.gateway.api.HttpApi;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * The operational endpoints on the gateway's own port: {@code /metrics} (every role of the process, see
 * {@link Observability}), {@code /healthz}, {@code /readyz}, and the timing of every request. Installed into the
 * {@link HttpApi}'s configuration ahead of the API's routes; the paths lie outside the API's prefixes.
 */
public final class GatewayEndpoints {

    private final Observability observability;
    private final HttpMetrics httpMetrics;

    public GatewayEndpoints(Observability observability) {
        this.observability = observability;
        this.httpMetrics = new HttpMetrics(observability.registry());
    }

    public void install(JavalinConfig config) {
        config.routes.after(httpMetrics::after);
        config.routes.get(ProbeResponses.METRICS_PATH, this::metrics);
        config.routes.get(ProbeResponses.LIVENESS_PATH, ctx -> probe(ctx, true));
        config.routes.get(ProbeResponses.READINESS_PATH, ctx -> probe(ctx, false));
    }

    private void metrics(Context ctx) {
        ctx.attribute(HttpApi.ROUTE_ATTRIBUTE, ProbeResponses.METRICS_PATH);
        ctx.contentType(ProbeResponses.METRICS_CONTENT_TYPE).result(observability.scrape());
    }

    private void probe(Context ctx, boolean liveness) {
        ctx.attribute(HttpApi.ROUTE_ATTRIBUTE, liveness ? ProbeResponses.LIVENESS_PATH : ProbeResponses.READINESS_PATH);
        var report = liveness ? observability.health().liveness() : observability.health().readiness();
        ctx.status(ProbeResponses.status(report)).contentType(ProbeResponses.JSON_CONTENT_TYPE)
                .result(ProbeResponses.body(report));
    }
}
