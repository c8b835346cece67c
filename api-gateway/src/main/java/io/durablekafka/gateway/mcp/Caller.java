package io.durablekafka.gateway.mcp;

import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.gateway.api.Hubs;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Who sent an MCP request, as far as the HTTP routes need to know: the system key it carried ({@code code} query
 * parameter, else the {@value Hubs#KEY_HEADER} header, as on the HTTP API), the {@code Host} it was sent to (the
 * management URLs of a start point there) and its W3C trace context (a tool call's route span and the commands it
 * writes join the agent's trace). Tool calls pass them on to the routes they dispatch to.
 *
 * @param key         the system key, or null
 * @param host        the Host header, or null
 * @param traceparent the traceparent header, or null
 * @param tracestate  the tracestate header, or null
 */
record Caller(String key, String host, String traceparent, String tracestate) {

    static final Caller NONE = new Caller(null, null, null, null);

    /** The name under which the transport context holds the caller. */
    static final String CONTEXT_KEY = "dk.caller";

    static Caller of(HttpServletRequest request) {
        String key = queryParameter(request.getQueryString(), "code");
        if (key == null || key.isBlank()) {
            key = request.getHeader(Hubs.KEY_HEADER);
        }
        return new Caller(key == null || key.isBlank() ? null : key.strip(), request.getHeader("Host"),
                request.getHeader(TraceHeaders.TRACEPARENT), request.getHeader(TraceHeaders.TRACESTATE));
    }

    /**
     * Read from the raw query rather than {@code getParameter}, which may read a form body, and with the name
     * case-insensitive as the HTTP API's {@code Call} matches it.
     */
    private static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String n = eq < 0 ? pair : pair.substring(0, eq);
            if (n.equalsIgnoreCase(name)) {
                try {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return pair.substring(eq + 1);
                }
            }
        }
        return null;
    }
}
