package io.durablekafka.gateway.api;

import io.durablekafka.gateway.publish.PublishException;
import io.durablekafka.gateway.views.ViewUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.http.UriCompliance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server (Javalin on Jetty, a virtual thread per request). Every error is a JSON body naming the
 * problem: API errors, unknown routes (404), unexpected exceptions (500) and Jetty's own error pages.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private final Javalin app;

    public HttpApi(InstanceApi instances) {
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.defaultContentType = JsonResponses.CONTENT_TYPE;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
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

            config.routes.post(InstanceApi.START_PATH, instances::start);
            config.routes.post(InstanceApi.START_WITH_ID_PATH, instances::start);
            config.routes.get(InstanceApi.STATUS_PATH, instances::status);

            config.routes.exception(ApiException.class, (e, ctx) ->
                    JsonResponses.sendError(ctx, e.status(), e.error(), e.getMessage()));
            config.routes.exception(ViewUnavailableException.class, (e, ctx) -> {
                LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                ctx.header("Retry-After", InstanceApi.RETRY_AFTER_SECONDS);
                JsonResponses.sendError(ctx, 503, "ViewsUnavailable",
                        "The instance views cannot answer consistently right now: " + e.getMessage());
            });
            config.routes.exception(PublishException.class, (e, ctx) -> {
                LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
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

    private static void notFound(Context ctx) {
        if (!JsonResponses.written(ctx)) {
            JsonResponses.sendError(ctx, 404, "NotFound", "No endpoint " + ctx.method() + " " + ctx.path() + ".");
        }
    }

    private static String errorName(int status) {
        var s = io.javalin.http.HttpStatus.forStatus(status);
        return s == io.javalin.http.HttpStatus.UNKNOWN ? "Error" : s.getMessage().replace(" ", "");
    }

    /** Binds the port (0: any free port) and returns the bound one. */
    public int start(int port) {
        app.start(port);
        return app.port();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
