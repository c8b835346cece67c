package io.durablekafka.gateway.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.durablekafka.common.serde.Json;
import java.util.HashMap;
import java.util.Map;

/** The arguments of one tool call, as the client sent them (JSON values: strings, numbers, booleans, ...). */
record ToolArguments(Map<String, Object> values) {

    ToolArguments {
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new HashMap<>(values));
    }

    /** A scalar argument as the text a query parameter or path segment carries, or null when absent. */
    String text(String name) {
        Object v = values.get(name);
        return v == null ? null : String.valueOf(v);
    }

    /** A path parameter: the route cannot be named without it. */
    String required(String name) {
        String v = text(name);
        if (v == null) {
            throw new MissingArgument(name);
        }
        return v;
    }

    /** An argument sent as the request's JSON body; null when absent or JSON null (no body). */
    byte[] json(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsBytes(v);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("'" + name + "' is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A required argument was not given. */
    static final class MissingArgument extends RuntimeException {
        MissingArgument(String name) {
            super("The argument '" + name + "' is required.");
        }
    }
}
