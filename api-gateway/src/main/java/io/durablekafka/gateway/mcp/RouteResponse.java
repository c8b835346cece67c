package io.durablekafka.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a route answered.
 *
 * @param status  the HTTP status
 * @param headers response headers (names case-insensitive)
 * @param body    the JSON body, or null when there is none
 */
record RouteResponse(int status, Map<String, String> headers, JsonNode body) {

    RouteResponse {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        headers = java.util.Collections.unmodifiableSortedMap(h);
    }

    boolean failed() {
        return status >= 400;
    }

    String header(String name) {
        return headers.get(name);
    }
}
