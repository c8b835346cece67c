package io.durablekafka.gateway.api;

import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.gateway.publish.PublishException;
import io.durablekafka.gateway.tracing.GatewayTracing;
import io.durablekafka.gateway.views.ViewUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.durablekafka.common.config.BindHost;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server (Javalin on Jetty, a virtual thread per request). Javalin hands every request to the
 * {@link Router}; hub-scoped routes then pass the {@link Hubs} checks (task hub, key, connection) before
 * their handler runs. Every error is a JSON body naming the problem: API errors, unknown routes (404), wrong
 * methods (405), oversized bodies (413), unexpected exceptions (500) and Jetty's own error pages.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /**
     * The listen backlog of each HTTP connector. The JDK's default of 50 refuses connections when thousands of
     * clients connect at once (a burst of starts, long-polls after a restart); the kernel caps it at
     * {@code net.core.somaxconn}.
     */
    static final int ACCEPT_QUEUE = 4096;
    /** Request attribute: the template of the route that matched, for per-route metrics. */
    public static final String ROUTE_ATTRIBUTE = "dk.route";
    private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);

    private final Javalin app;
    private final Router router;
    private final Hubs hubs;
    private final int maxBodyBytes;
    private final String publicBaseUrl;
    private final GatewayTracing tracing;

    /**
     * @param publicBaseUrl base of the management URLs, or null for the scheme and host each request was sent to
     */
    public HttpApi(Router router, Hubs hubs, int maxBodyBytes, String publicBaseUrl) {
        this(router, hubs, maxBodyBytes, publicBaseUrl, config -> {
        });
    }

    /**
     * @param extensions adds routes and handlers before the API's catch-all routes (operational endpoints:
     *                   metrics, probes), so that they win over it
     */
    public HttpApi(Router router, Hubs hubs, int maxBodyBytes, String publicBaseUrl,
                   java.util.function.Consumer<io.javalin.config.JavalinConfig> extensions) {
        this(router, hubs, maxBodyBytes, publicBaseUrl, extensions, GatewayTracing.OFF);
    }

    /** As above, with the request spans of {@code tracing}. */
    public HttpApi(Router router, Hubs hubs, int maxBodyBytes, String publicBaseUrl,
                   java.util.function.Consumer<io.javalin.config.JavalinConfig> extensions, GatewayTracing tracing) {
        this.tracing = tracing;
        this.router = router;
        this.hubs = hubs;
        this.maxBodyBytes = maxBodyBytes;
        this.publicBaseUrl = publicBaseUrl;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.defaultContentType = JsonResponses.CONTENT_TYPE;
            config.http.maxRequestSize = maxBodyBytes;
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                // Javalin adds its connector after modifyServer; Jetty opens it after the server's STARTING event,
                // the last moment the listen backlog can be set.
                server.addEventListener(new LifeCycle.Listener() {
                    @Override
                    public void lifeCycleStarting(LifeCycle event) {
                        for (var connector : server.getConnectors()) {
                            if (connector instanceof ServerConnector sc) {
                                sc.setAcceptQueueSize(ACCEPT_QUEUE);
                            }
                        }
                    }
                });
            });
            config.jetty.modifyServletContextHandler(handler -> {
                handler.setErrorHandler(new JsonErrorHandler());
                // Instance IDs may arrive percent-encoded with '/', '\\' or control characters in them: let them
                // reach the handler, which answers 400 naming the problem, instead of Jetty's generic error.
                handler.getServletHandler().setDecodeAmbiguousURIs(true);
            });
            config.jetty.modifyHttpConfiguration(http -> http.setUriCompliance(UriCompliance.DEFAULT.with(
                    "durable-kafka", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                    UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
                    UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS)));

            extensions.accept(config);
            for (HandlerType method : METHODS) {
                config.routes.addHttpHandler(method, "/*", this::dispatch);
            }

            config.routes.exception(ApiException.class, (e, ctx) ->
                    JsonResponses.sendError(ctx, e.status(), e.error(), e.getMessage()));
            config.routes.exception(ViewUnavailableException.class, (e, ctx) -> {
                LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                ctx.header("Retry-After", InstanceApi.RETRY_AFTER_SECONDS);
                JsonResponses.sendError(ctx, 503, "ViewsUnavailable",
                        "The instance views cannot answer consistently right now: " + e.getMessage());
            });
            config.routes.exception(PublishException.class, (e, ctx) -> {
                if (e.recordTooLarge()) {
                    JsonResponses.sendError(ctx, 413, "PayloadTooLarge", "Kafka refused the command for its size: "
                            + e.getMessage());
                    return;
                }
                LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                ctx.header("Retry-After", InstanceApi.RETRY_AFTER_SECONDS);
                JsonResponses.sendError(ctx, 503, "PublishFailed", e.getMessage());
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    JsonResponses.sendError(ctx, e.getStatus(), errorName(e.getStatus()), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                JsonResponses.sendError(ctx, 500, "InternalServerError",
                        "Unexpected error: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            });
            config.routes.error(404, HttpApi::notFound);
        });
    }

    private void dispatch(Context ctx) throws Exception {
        String method = ctx.method().name();
        String rawPath = ctx.req().getRequestURI();
        switch (router.match(method, rawPath)) {
            case Router.NotFound ignored -> JsonResponses.sendError(ctx, 404, "NotFound",
                    "No endpoint " + method + " " + rawPath + ".");
            case Router.MethodNotAllowed m -> {
                ctx.header("Allow", String.join(", ", m.allowed()));
                JsonResponses.sendError(ctx, 405, "MethodNotAllowed", "The endpoint " + rawPath + " does not support "
                        + method + "; allowed: " + String.join(", ", m.allowed()) + ".");
            }
            case Router.Found found -> {
                ctx.attribute(ROUTE_ATTRIBUTE, found.route().template());
                Call call = new Call(ctx, found.params(), maxBodyBytes, publicBaseUrl);
                handleTraced(found, call);
            }
        }
    }

    /** Runs the route's handler in its request span; what the handler publishes carries the span's context. */
    private void handleTraced(Router.Found found, Call call) throws Exception {
        Context ctx = call.ctx();
        TraceContext incoming = TraceContext.parse(ctx.header(TraceHeaders.TRACEPARENT),
                ctx.header(TraceHeaders.TRACESTATE));
        Router.Route route = found.route();
        String target = found.params().get("instanceId");
        var span = tracing.start(route.name(), route.method(), route.template(), target, incoming);
        call.trace(span.context(incoming));
        try {
            if (route.hubScoped()) {
                hubs.resolve(call);
            }
            route.handler().handle(call);
        } catch (Exception | Error e) {
            span.end(500, e);
            throw e;
        }
        span.end(ctx.statusCode(), null);
    }

    private static void notFound(Context ctx) {
        if (!JsonResponses.written(ctx)) {
            JsonResponses.sendError(ctx, 404, "NotFound", "No endpoint " + ctx.method() + " " + ctx.path() + ".");
        }
    }

    private static String errorName(int status) {
        var s = io.javalin.http.HttpStatus.forStatus(status);
        return s == io.javalin.http.HttpStatus.UNKNOWN ? "Error" : s.getMessage().replace(" ", "");
    }

    /** Binds the port (0: any free port) on every interface and returns the bound one. */
    public int start(int port) {
        return start(BindHost.any(), port);
    }

    /**
     * Binds the port (0: any free port) on each address of {@code host} (loopback: 127.0.0.1 and ::1), one Jetty
     * connector each, and returns the bound port. Every route (API, SSE, MCP, dashboard, probes) is on all of them.
     */
    public int start(BindHost host, int port) {
        List<InetAddress> addresses = host.addresses();
        // Jetty binds its connectors one by one: a port asked for as 0 is chosen free on every address first.
        int chosen = port == 0 && addresses.size() > 1 ? host.freePort() : port;
        app.start(host.isAny() ? null : addresses.getFirst().getHostAddress(), chosen);
        int bound = app.port();
        Server server = app.jettyServer().server();
        HttpConfiguration config = ((ServerConnector) server.getConnectors()[0])
                .getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
        for (InetAddress address : addresses.subList(1, addresses.size())) {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
            connector.setAcceptQueueSize(ACCEPT_QUEUE);
            connector.setHost(address.getHostAddress());
            connector.setPort(bound);
            try {
                server.addConnector(connector);
                connector.start();
            } catch (Exception e) {
                app.stop();
                throw new IllegalStateException("cannot bind port " + bound + " on " + address.getHostAddress()
                        + ": " + e.getMessage(), e);
            }
        }
        return bound;
    }

    /** The addresses the server listens on (for tests: what can connect). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> bound = new java.util.ArrayList<>();
        for (var connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector sc && sc.getTransport() instanceof ServerSocketChannel channel) {
                try {
                    bound.add((InetSocketAddress) channel.getLocalAddress());
                } catch (java.io.IOException e) {
                    // closed meanwhile: listens nowhere
                }
            }
        }
        return List.copyOf(bound);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
