package io.durablekafka.gateway.mcp;

import io.durablekafka.gateway.api.ManagementUrls;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request to one of the gateway's HTTP routes, made on behalf of a tool call.
 *
 * @param method HTTP method
 * @param path   the raw path (path parameters percent-encoded), under {@value ManagementUrls#WEBHOOK_PREFIX}
 * @param query  query parameters (unencoded), in order
 * @param headers extra request headers
 * @param body   a JSON body, or null
 */
record RouteRequest(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {

    RouteRequest {
        query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /**
     * @param template a path under the webhook prefix with {@code {}} for each parameter, e.g.
     *                 {@code /instances/{}/raiseEvent/{}}
     * @param params   the parameters, percent-encoded here as one path segment each
     */
    static RouteRequest of(String method, String template, String... params) {
        StringBuilder path = new StringBuilder(ManagementUrls.WEBHOOK_PREFIX);
        int from = 0;
        for (String param : params) {
            int at = template.indexOf("{}", from);
            path.append(template, from, at).append(ManagementUrls.encodePathSegment(param));
            from = at + 2;
        }
        path.append(template.substring(from));
        return new RouteRequest(method, path.toString(), Map.of(), Map.of(), null);
    }

    /** With a query parameter; null values are left out (the route's default applies). */
    RouteRequest query(String name, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put(name, String.valueOf(value));
        return new RouteRequest(method, path, q, headers, body);
    }

    /** With a header; null values are left out. */
    RouteRequest header(String name, String value) {
        if (value == null) {
            return this;
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new RouteRequest(method, path, query, h, body);
    }

    /** With a JSON body (null: none). */
    RouteRequest body(byte[] json) {
        return new RouteRequest(method, path, query, headers, json);
    }
}
