package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3 document of the API: the hand-written {@code openapi.json} resource (webhook routes under
 * {@value ApiRoutes#WEBHOOK_PREFIX} and the management routes), completed at load time with the 1.x aliases of
 * the webhook routes under {@value ApiRoutes#V1_PREFIX} (same operations, {@code operationId} suffixed
 * {@code V1}).
 */
public final class OpenApi {

    private static final String RESOURCE = "openapi.json";
    private final ObjectNode document;
    private final byte[] bytes;

    public OpenApi() {
        this.document = load();
        try {
            this.bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document (a copy). */
    public ObjectNode document() {
        return document.deepCopy();
    }

    void serve(Call call) {
        call.ctx().status(200);
        call.ctx().contentType(JsonResponses.CONTENT_TYPE);
        call.ctx().result(bytes);
    }

    private static ObjectNode load() {
        ObjectNode doc;
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + RESOURCE + " is missing");
            }
            doc = (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        ObjectNode paths = (ObjectNode) doc.get("paths");
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(paths.properties());
        for (Map.Entry<String, JsonNode> e : entries) {
            if (!e.getKey().startsWith(ApiRoutes.WEBHOOK_PREFIX + "/")) {
                continue;
            }
            ObjectNode alias = e.getValue().deepCopy();
            alias.properties().forEach(op -> {
                if (op.getValue() instanceof ObjectNode operation && operation.has("operationId")) {
                    operation.put("operationId", operation.get("operationId").asText() + "V1");
                    operation.put("summary", operation.path("summary").asText() + " (Functions 1.x route)");
                }
            });
            paths.set(ApiRoutes.V1_PREFIX + e.getKey().substring(ApiRoutes.WEBHOOK_PREFIX.length()), alias);
        }
        return doc;
    }
}
