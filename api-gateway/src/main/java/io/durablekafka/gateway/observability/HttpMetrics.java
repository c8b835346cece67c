package io.durablekafka.gateway.observability;

import io.durablekafka.gateway.api.HttpApi;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.durablekafka.common.observability.LatencyBuckets;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts and times the gateway's HTTP requests by method, route template and status
 * ({@code dk_http_server_requests_seconds}). Requests that matched no route share the route tag
 * {@value #UNMATCHED}, so that scanners probing random paths add no series. Timers are cached by route, method
 * and status: a request costs two map lookups and an array read, no allocation of our own. The start is Jetty's
 * own time stamp of the request (taken before its headers were parsed), so nothing is stored per request.
 */
final class HttpMetrics {

    static final String UNMATCHED = "(unmatched)";

    private final MeterRegistry meters;
    /** route template → method → timers by status code. */
    private final ConcurrentMap<String, ConcurrentMap<String, AtomicReferenceArray<Timer>>> timers =
            new ConcurrentHashMap<>();

    HttpMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void after(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            return;
        }
        long start = request.getBeginNanoTime();
        String route = ctx.attribute(HttpApi.ROUTE_ATTRIBUTE);
        timer(route == null ? UNMATCHED : route, ctx.method().name(), ctx.statusCode())
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String route, String method, int status) {
        var byMethod = timers.computeIfAbsent(route, r -> new ConcurrentHashMap<>());
        var byStatus = byMethod.computeIfAbsent(method, m -> new AtomicReferenceArray<>(600));
        int index = status >= 100 && status < 600 ? status : 0;
        Timer t = byStatus.get(index);
        if (t == null) {
            t = LatencyBuckets.apply(Timer.builder("dk.http.server.requests")
                    .description("HTTP requests the gateway answered, by method, route template and status")
                    .tag("method", method).tag("route", route).tag("status", Integer.toString(status)))
                    .register(meters);
            byStatus.set(index, t); // registering twice returns the same timer: a race only repeats the lookup
        }
        return t;
    }
}
