package io.durablekafka.common.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import io.durablekafka.common.config.BindHost;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** One server per bound address (the JDK's server binds one), all on the same port and executor. */
    private final List<HttpServer> servers;
    private final ExecutorService executor;

    private ManagementServer(List<HttpServer> servers, ExecutorService executor) {
        this.servers = servers;
        this.executor = executor;
    }

    /** Binds {@code port} (0: any free port) on every interface and starts serving. */
    public static ManagementServer start(Observability observability, int port) {
        return start(observability, BindHost.any(), port);
    }

    /**
     * Binds {@code port} (0: any free port) on the addresses of {@code host} and starts serving; with several
     * addresses (loopback: 127.0.0.1 and ::1) the first one's port is the port of them all.
     */
    public static ManagementServer start(Observability observability, BindHost host, int port) {
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dk-management-http");
            t.setDaemon(true);
            return t;
        });
        List<HttpServer> servers;
        try {
            servers = host.bindAll(port, (address, p) -> {
                HttpServer server = HttpServer.create(new InetSocketAddress(address, p), 0);
                server.setExecutor(executor);
                server.createContext("/", exchange -> handle(observability, exchange));
                server.start();
                return server;
            }, s -> s.getAddress().getPort(), s -> s.stop(0));
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        ManagementServer started = new ManagementServer(servers, executor);
        LOG.info("management endpoints (/metrics, /healthz, /readyz) on port {} ({})", started.port(), host);
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
        return servers.getFirst().getAddress().getPort();
    }

    /** The addresses listened on (for tests: what can connect). */
    public List<InetSocketAddress> boundAddresses() {
        return servers.stream().map(HttpServer::getAddress).toList();
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
        executor.shutdownNow();
    }
}
