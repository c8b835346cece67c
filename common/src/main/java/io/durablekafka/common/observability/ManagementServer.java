package io.durablekafka.common.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for the roles that have no HTTP API of their own (node, worker): {@code /metrics},
 * {@code /healthz}, {@code /readyz}. The JDK's server is enough for a scrape every few seconds and adds no
 * dependency; two threads, so that a slow scrape does not hold up a probe.
 */
public final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code port} (0: any free port) on every interface and starts serving. */
    public static ManagementServer start(Observability observability, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the management port " + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dk-management-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(observability, exchange));
        server.start();
        ManagementServer started = new ManagementServer(server, executor);
        LOG.info("management endpoints (/metrics, /healthz, /readyz) on port {}", started.port());
        return started;
    }

    private static void handle(Observability observability, HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, ProbeResponses.JSON_CONTENT_TYPE,
                        "{\"error\":\"MethodNotAllowed\",\"message\":\"only GET\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            switch (path) {
                case ProbeResponses.METRICS_PATH -> send(exchange, 200, ProbeResponses.METRICS_CONTENT_TYPE,
                        observability.scrape().getBytes(StandardCharsets.UTF_8));
                case ProbeResponses.LIVENESS_PATH -> {
                    var report = observability.health().liveness();
                    send(exchange, ProbeResponses.status(report), ProbeResponses.JSON_CONTENT_TYPE,
                            ProbeResponses.body(report));
                }
                case ProbeResponses.READINESS_PATH -> {
                    var report = observability.health().readiness();
                    send(exchange, ProbeResponses.status(report), ProbeResponses.JSON_CONTENT_TYPE,
                            ProbeResponses.body(report));
                }
                default -> send(exchange, 404, ProbeResponses.JSON_CONTENT_TYPE,
                        ("{\"error\":\"NotFound\",\"message\":\"the management endpoints are /metrics, /healthz and"
                                + " /readyz\"}").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
