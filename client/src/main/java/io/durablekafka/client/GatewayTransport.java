package io.durablekafka.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.client.errors.GatewayException;
import io.durablekafka.client.errors.GatewayUnreachableException;
import io.durablekafka.common.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The HTTP side of the client: builds the URL of a webhook route with the task hub and connection, sends the key,
 * and turns error answers into typed exceptions carrying the gateway's JSON error.
 */
final class GatewayTransport {

    static final String WEBHOOK_PREFIX = "/runtime/webhooks/durabletask";
    static final String CONTINUATION_HEADER = "x-ms-continuation-token";

    private final ClientOptions options;
    private final HttpClient http;

    GatewayTransport(ClientOptions options, HttpClient http) {
        this.options = options;
        this.http = http;
    }

    ClientOptions options() {
        return options;
    }

    /** A request to a route below the webhook prefix; {@code segments} are encoded one by one. */
    Request request(String method, String... segments) {
        StringBuilder path = new StringBuilder(WEBHOOK_PREFIX);
        for (String segment : segments) {
            path.append('/').append(UriEncoding.encode(segment));
        }
        return new Request(method, path.toString());
    }

    /** A request in the making: query parameters, headers, body, and how much longer than usual it may take. */
    final class Request {
        private final String method;
        private final String path;
        private final List<Map.Entry<String, String>> query = new ArrayList<>();
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body;
        private Duration extraWait = Duration.ZERO;

        private Request(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** Adds a query parameter unless the value is null. */
        Request query(String name, Object value) {
            if (value != null) {
                query.add(Map.entry(name, value.toString()));
            }
            return this;
        }

        Request header(String name, String value) {
            if (value != null) {
                headers.add(Map.entry(name, value));
            }
            return this;
        }

        /** A JSON body; null sends none (the gateway reads an empty body as JSON null). */
        Request json(Object value) {
            body = value == null ? null : Json.toBytes(value instanceof JsonNode n ? n : Json.toTree(value));
            return this;
        }

        /** The server may hold this request that much longer than the request timeout (a long-poll). */
        Request extraWait(Duration wait) {
            extraWait = wait;
            return this;
        }

        URI uri() {
            StringBuilder uri = new StringBuilder(options.baseUrl().toString()).append(path);
            List<Map.Entry<String, String>> all = new ArrayList<>(query);
            if (options.taskHub() != null) {
                all.add(Map.entry("taskHub", options.taskHub()));
            }
            if (options.connection() != null) {
                all.add(Map.entry("connection", options.connection()));
            }
            char sep = '?';
            for (Map.Entry<String, String> p : all) {
                uri.append(sep).append(UriEncoding.encode(p.getKey())).append('=').append(UriEncoding.encode(p.getValue()));
                sep = '&';
            }
            return URI.create(uri.toString());
        }

        /** Sends the request and returns the answer when its status is one of {@code expected}; throws otherwise. */
        GatewayResponse expect(int... expected) {
            GatewayResponse response = send();
            for (int status : expected) {
                if (response.status() == status) {
                    return response;
                }
            }
            throw error(response);
        }

        GatewayResponse send() {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri())
                    .timeout(options.requestTimeout().plus(extraWait))
                    .header("Accept", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            if (body != null || method.equals("POST")) {
                b.header("Content-Type", "application/json");
            }
            if (options.systemKey() != null) {
                b.header("x-functions-key", options.systemKey());
            }
            headers.forEach(h -> b.header(h.getKey(), h.getValue()));
            try {
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                return new GatewayResponse(r.statusCode(), r.body(), r.headers());
            } catch (IOException e) {
                throw new GatewayUnreachableException(method + " " + path + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException(method + " " + path + ": interrupted");
            }
        }

        private GatewayException error(GatewayResponse r) {
            String error = "Error";
            String message = new String(r.body(), StandardCharsets.UTF_8);
            try {
                JsonNode json = r.json();
                if (json.isObject()) {
                    error = json.path("error").asText(error);
                    message = json.path("message").asText(message);
                }
            } catch (RuntimeException notJson) {
                // A proxy's error page, say: the text itself is the message.
            }
            if (message.isBlank()) {
                message = method + " " + path + " answered " + r.status();
            }
            Long retryAfter = null;
            String ra = r.header("Retry-After");
            if (ra != null) {
                try {
                    retryAfter = Long.parseLong(ra.strip());
                } catch (NumberFormatException dateForm) {
                    // An HTTP date instead of seconds: the gateway never sends one; leave it out.
                }
            }
            return GatewayException.of(r.status(), error, message, retryAfter);
        }
    }
}
