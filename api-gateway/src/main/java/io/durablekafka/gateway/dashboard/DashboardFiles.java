package io.durablekafka.gateway.dashboard;

import io.durablekafka.gateway.api.HttpApi;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web dashboard: static files from this package's resources, served at {@value #PATH}/ (and {@code /}
 * redirecting there). The page calls the public HTTP API from the browser, so it needs nothing else from the
 * gateway. Installed ahead of the API's catch-all routes, like the operational endpoints; Javalin's own static
 * file handler would only run for paths no route matches, and the API matches them all.
 */
public final class DashboardFiles {

    public static final String PATH = "/dashboard";

    /** Every file there is: a fixed list, so no request path ever reaches the class loader. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "dom.js", "text/javascript; charset=utf-8",
            "timeline.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    /**
     * The page shows user data (instance IDs, inputs, outputs): it builds its DOM with text nodes, and this policy
     * makes anything that slipped through inert anyway (no inline script, no other origins).
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, byte[]> contents;

    public DashboardFiles() {
        var loaded = new java.util.HashMap<String, byte[]>();
        FILES.keySet().forEach(name -> loaded.put(name, load(name)));
        this.contents = Map.copyOf(loaded);
    }

    public void install(JavalinConfig config) {
        // Relative redirects, so the dashboard also works behind a proxy that mounts the gateway under a prefix.
        config.routes.get("/", ctx -> redirect(ctx, "dashboard/"));
        // Javalin matches "/dashboard" and "/dashboard/" alike; the page's relative URLs need the slash.
        config.routes.get(PATH, ctx -> {
            if (ctx.req().getRequestURI().endsWith("/")) {
                serve(ctx, "index.html");
            } else {
                redirect(ctx, "dashboard/");
            }
        });
        config.routes.get(PATH + "/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private static void redirect(Context ctx, String location) {
        ctx.attribute(HttpApi.ROUTE_ATTRIBUTE, PATH);
        ctx.redirect(location, HttpStatus.FOUND);
    }

    private void serve(Context ctx, String name) {
        ctx.attribute(HttpApi.ROUTE_ATTRIBUTE, PATH);
        byte[] bytes = contents.get(name);
        if (bytes == null) {
            ctx.status(404).contentType("application/json; charset=utf-8")
                    .result("{\"error\":\"NotFound\",\"message\":\"The dashboard has no file of that name.\"}");
            return;
        }
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // Small files: always revalidate, so a gateway upgrade never leaves a browser with mismatched scripts.
        ctx.header("Cache-Control", "no-cache");
        ctx.status(200).contentType(FILES.get(name)).result(bytes);
    }

    private static byte[] load(String name) {
        try (InputStream in = DashboardFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard resource " + name, e);
        }
    }
}
