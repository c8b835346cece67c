package io.durablekafka.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in HTTP server for the client's own behaviour (waits, errors, encoding) where a real gateway cannot be
 * made to misbehave: an older gateway that ignores {@code timeoutSeconds}, a 503. Records every request's raw URI.
 */
final class FakeGateway implements AutoCloseable {

    /** Answers one request. */
    interface Handler {
        Answer answer(HttpExchange exchange) throws Exception;
    }

    record Answer(int status, String body, String retryAfter) {
        static Answer json(int status, String body) {
            return new Answer(status, body, null);
        }
    }

    private final HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeGateway(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            try {
                Answer a = handler.answer(exchange);
                byte[] body = a.body() == null ? new byte[0] : a.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                if (a.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
                }
                exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static String status(String id, String runtimeStatus) {
        return "{\"name\":\"Test\",\"instanceId\":\"" + id + "\",\"runtimeStatus\":\"" + runtimeStatus
                + "\",\"input\":1,\"customStatus\":{\"stage\":\"x\"},\"output\":" + ("Completed".equals(runtimeStatus) ? "42" : "null")
                + ",\"createdTime\":\"2024-01-15T10:00:00Z\",\"lastUpdatedTime\":\"2024-01-15T10:00:05Z\"}";
    }

    /** The value of query parameter {@code name} of a request, or null. */
    static String queryParam(String request, String name) {
        int q = request.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String p : request.substring(q + 1).split("&")) {
            int eq = p.indexOf('=');
            if (p.substring(0, eq).equals(name)) {
                return p.substring(eq + 1);
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
