package io.durablekafka.gateway.api;

import io.durablekafka.common.serde.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error pages (requests that never reach Javalin: malformed URIs, oversized headers...) as JSON
 * bodies {@code {"error": ..., "message": ...}} instead of HTML.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String reason = HttpStatus.getMessage(code);
        String error = reason == null ? "Error" : reason.replace(" ", "");
        String text = message != null && !message.isBlank() ? message
                : reason != null ? reason : "HTTP " + code;
        byte[] body = Json.toBytes(JsonResponses.errorBody(error, text));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonResponses.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

}
