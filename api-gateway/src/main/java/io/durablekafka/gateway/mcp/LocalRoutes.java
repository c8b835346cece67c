package io.durablekafka.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.gateway.api.Hubs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;

/**
 * Sends {@link RouteRequest}s through the gateway's own Jetty server, in memory, so that a tool call runs exactly
 * what the HTTP request would: the same route table, the same task hub, key and connection checks, the same
 * handlers, error mapping and JSON errors, and the same metrics. No handler logic is copied into the MCP package.
 *
 * <p>Why a Jetty {@link LocalConnector} rather than calling the handlers: the handlers write to a Javalin
 * {@code Context} (status, headers, body, asynchronous long-polls), and the request pipeline around them (routing,
 * {@code Hubs} checks, exception mappers) lives in Javalin's servlet; an in-memory HTTP exchange reuses all of it,
 * with no port, no socket and no second copy of the rules. The connector is added once the server runs (at the first
 * tool call): Javalin reads its HTTP port from the server's first connector, which must stay its own.
 */
final class LocalRoutes implements AutoCloseable {

    private final Duration timeout;
    private volatile Server server;
    private LocalConnector connector;
    private boolean closed;

    /** @param timeout longest a route may take to answer (covers long-polls and purge waits) */
    LocalRoutes(Duration timeout) {
        this.timeout = timeout;
    }

    /** The server to dispatch through (from Javalin's Jetty configuration). */
    void attach(Server server) {
        this.server = server;
    }

    RouteResponse send(RouteRequest request, Caller caller) throws Exception {
        ByteBuffer raw = connector().getResponse(ByteBuffer.wrap(encode(request, caller)), false,
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (raw == null) {
            throw new IllegalStateException(request.method() + " " + request.path() + " did not answer within "
                    + timeout.toSeconds() + " s");
        }
        HttpTester.Response response = HttpTester.parseResponse(raw);
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : response) {
            headers.put(field.getName(), field.getValue());
        }
        return new RouteResponse(response.getStatus(), headers, parse(response.getContentBytes()));
    }

    private synchronized LocalConnector connector() throws Exception {
        if (closed) {
            throw new IllegalStateException("the MCP endpoint is closed");
        }
        if (connector == null) {
            Server s = server;
            if (s == null || !s.isStarted()) {
                throw new IllegalStateException("the gateway's HTTP server is not started");
            }
            LocalConnector c = new LocalConnector(s, new HttpConnectionFactory(httpConfiguration(s)));
            s.addConnector(c);
            c.start();
            connector = c;
        }
        return connector;
    }

    /**
     * The HTTP configuration of the server's own connector: its URI compliance lets encoded '/' and '\\' reach the
     * handlers (which answer 400 naming the problem), and a local request must be parsed exactly as a remote one.
     */
    private static HttpConfiguration httpConfiguration(Server server) {
        for (Connector c : server.getConnectors()) {
            HttpConnectionFactory http = c.getConnectionFactory(HttpConnectionFactory.class);
            if (http != null) {
                return http.getHttpConfiguration();
            }
        }
        throw new IllegalStateException("the gateway's server has no HTTP connector");
    }

    private static byte[] encode(RouteRequest request, Caller caller) throws IOException {
        StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.path());
        char sep = '?';
        for (Map.Entry<String, String> q : request.query().entrySet()) {
            head.append(sep).append(encodeQuery(q.getKey())).append('=').append(encodeQuery(q.getValue()));
            sep = '&';
        }
        head.append(" HTTP/1.1\r\n");
        header(head, "Host", caller.host() == null ? "localhost" : caller.host());
        header(head, Hubs.KEY_HEADER, caller.key());
        header(head, TraceHeaders.TRACEPARENT, caller.traceparent());
        header(head, TraceHeaders.TRACESTATE, caller.tracestate());
        request.headers().forEach((name, value) -> header(head, name, value));
        byte[] body = request.body() == null ? new byte[0] : request.body();
        if (request.body() != null) {
            header(head, "Content-Type", "application/json");
        }
        header(head, "Content-Length", Integer.toString(body.length));
        header(head, "Connection", "close");
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        return out.toByteArray();
    }

    private static void header(StringBuilder head, String name, String value) {
        if (value == null) {
            return;
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            // A header value from a tool argument must not be able to add headers or requests of its own.
            throw new IllegalArgumentException("'" + name + "' must not contain line breaks");
        }
        head.append(name).append(": ").append(value).append("\r\n");
    }

    private static String encodeQuery(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return TextNode.valueOf(new String(body, StandardCharsets.UTF_8));
        }
    }

    @Override
    public synchronized void close() throws Exception {
        closed = true;
        if (connector != null) {
            connector.stop();
            Server s = server;
            if (s != null) {
                s.removeConnector(connector);
            }
            connector = null;
        }
    }
}
