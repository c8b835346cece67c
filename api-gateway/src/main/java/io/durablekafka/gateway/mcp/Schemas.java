package io.durablekafka.gateway.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Schema fragments for the tools' input and output schemas, as the maps the SDK serializes. */
final class Schemas {

    private Schemas() {
    }

    static Map<String, Object> string(String description) {
        return Map.of("type", "string", "description", description);
    }

    static Map<String, Object> bool(String description) {
        return Map.of("type", "boolean", "description", description);
    }

    static Map<String, Object> integer(String description) {
        // No bounds here: the route checks the value and says what is wrong, in the HTTP API's words.
        return Map.of("type", "integer", "description", description);
    }

    /** Any JSON value (inputs, outputs, event data, entity state). */
    static Map<String, Object> any(String description) {
        return Map.of("description", description);
    }

    static Map<String, Object> nullableString(String description) {
        return Map.of("type", List.of("string", "null"), "description", description);
    }

    static Map<String, Object> array(String description) {
        return Map.of("type", "array", "items", Map.of("type", "object"), "description", description);
    }

    static Map<String, Object> object(String description) {
        return Map.of("type", "object", "description", description);
    }

    /** An object schema with these properties (in order), of which {@code required} must be present. */
    static Map<String, Object> object(Map<String, Map<String, Object>> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return schema;
    }

    /** Properties in insertion order. */
    static Properties props() {
        return new Properties();
    }

    static final class Properties extends LinkedHashMap<String, Map<String, Object>> {
        Properties with(String name, Map<String, Object> schema) {
            put(name, schema);
            return this;
        }

        Properties withAll(Map<String, Map<String, Object>> more) {
            putAll(more);
            return this;
        }
    }
}
