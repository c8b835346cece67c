package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON in and out of requests, with the project's (Jackson 2) mapper rather than Javalin's JSON mapper. */
public final class JsonResponses {

    public static final String CONTENT_TYPE = "application/json; charset=utf-8";
    /** Request attribute set once a JSON body was written, so that error pages do not replace it. */
    static final String WRITTEN = "dk.json.written";
    private static final ObjectReader STRICT = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonResponses() {
    }

    public static void send(Context ctx, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the response: " + e.getMessage(), e);
        }
        ctx.status(status);
        ctx.contentType(CONTENT_TYPE);
        ctx.result(bytes);
        ctx.attribute(WRITTEN, Boolean.TRUE);
    }

    public static ObjectNode errorBody(String error, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("error", error);
        body.put("message", message);
        return body;
    }

    public static void sendError(Context ctx, int status, String error, String message) {
        send(ctx, status, errorBody(error, message));
    }

    static boolean written(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(WRITTEN));
    }

    /**
     * Parses a request body as one JSON value; an empty or blank body is {@code null} (no input).
     *
     * @throws ApiException 400 when the body is not JSON
     */
    public static JsonNode parseBody(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return null;
        }
        try {
            return STRICT.readTree(text);
        } catch (IOException e) {
            String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? jpe.getOriginalMessage() : e.getMessage();
            throw ApiException.badRequest("InvalidJson", "The request content is not valid JSON: " + detail);
        }
    }
}
