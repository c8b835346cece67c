package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/** The Durable Functions HTTP API calls the harness makes. */
final class GatewayClient {

    private static final String PREFIX = "/runtime/webhooks/durabletask";
    /** How long a start asks the gateway to hold its answer; the gateway cuts it to its own maximum. */
    private static final int HOLD_SECONDS = 300;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;

    GatewayClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return get(pathAndQuery, null);
    }

    private HttpResponse<String> get(String pathAndQuery, String continuationToken) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + PREFIX + pathAndQuery)).GET();
        if (continuationToken != null) {
            request.header("x-ms-continuation-token", continuationToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String pathAndQuery, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + PREFIX + pathAndQuery))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Starts one orchestration under a generated ID and waits until it completes: the start asks the gateway to
     * hold the answer until the instance ends ({@code timeout}), so no polling load distorts the figures; on a
     * 202 (still running after the hold) it falls back to polling the status URL for up to two minutes.
     */
    boolean runToCompletion(String orchestration, String input) throws IOException, InterruptedException {
        HttpResponse<String> started = post("/orchestrators/" + segment(orchestration) + "?timeout=120&pollingInterval=1", input);
        if (started.statusCode() == 200) {
            return true;
        }
        if (started.statusCode() != 202) {
            return false;
        }
        String statusUrl = Json.MAPPER.readTree(started.body()).path("statusQueryGetUri").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long pause = 1;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(statusUrl)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (status.statusCode() == 200) {
                return "Completed".equals(Json.MAPPER.readTree(status.body()).path("runtimeStatus").asText());
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 50);
        }
        return false;
    }

    /**
     * Starts {@code instanceId} and returns {@link System#nanoTime()} at the moment the gateway reports it ended
     * (any terminal status; read it with {@link #status}). The gateway holds the start's answer until then;
     * after its longest hold this polls, every 50 ms at most.
     */
    long startAndAwaitEnd(String orchestration, String instanceId, String input, Duration deadline)
            throws IOException, InterruptedException {
        HttpResponse<String> started = post("/orchestrators/" + segment(orchestration) + "/" + segment(instanceId)
                + "?timeout=" + HOLD_SECONDS, input);
        long answeredAt = System.nanoTime();
        if (started.statusCode() == 200) {
            return answeredAt;
        }
        if (started.statusCode() != 202) {
            throw new IllegalStateException("start of " + orchestration + " " + instanceId + ": HTTP "
                    + started.statusCode() + " " + started.body());
        }
        long end = System.nanoTime() + deadline.toNanos();
        long pause = 1;
        while (true) {
            HttpResponse<String> status = get("/instances/" + segment(instanceId));
            if (status.statusCode() == 200 || status.statusCode() == 500) {
                return System.nanoTime();
            }
            if (status.statusCode() != 202) {
                throw new IllegalStateException("status of " + instanceId + ": HTTP " + status.statusCode() + " " + status.body());
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException(instanceId + " has not ended within " + deadline + ": " + status.body());
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 50);
        }
    }

    /** The instance's status; null when the gateway does not know it. */
    JsonNode status(String instanceId) throws IOException, InterruptedException {
        return statusJson("/instances/" + segment(instanceId));
    }

    /** The instance's {@code historyEvents} as the extension renders them (TaskScheduled merged into its completion). */
    JsonNode history(String instanceId) throws IOException, InterruptedException {
        JsonNode status = statusJson("/instances/" + segment(instanceId) + "?showHistory=true&showInput=false");
        return status == null ? Json.MAPPER.createArrayNode() : status.path("historyEvents");
    }

    /** How many activity results the instance's history holds (a progress measure for one orchestration). */
    int completedTasks(String instanceId) throws IOException, InterruptedException {
        int n = 0;
        for (JsonNode event : history(instanceId)) {
            if ("TaskCompleted".equals(event.path("EventType").asText())) {
                n++;
            }
        }
        return n;
    }

    /** A progress probe for one orchestration: its completed activities. */
    LongSupplier completedTasksOf(String instanceId) {
        return () -> {
            try {
                return completedTasks(instanceId);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
    }

    private JsonNode statusJson(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = get(pathAndQuery);
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200 && r.statusCode() != 202 && r.statusCode() != 500) {
            throw new IllegalStateException("GET " + pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    /** One page of GET instances: how many it held and the token of the next page (null on the last). */
    record ListPage(int instances, String continuationToken) {
    }

    ListPage list(String query, String continuationToken) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/instances?" + query, continuationToken);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET instances?" + query + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return new ListPage(Json.MAPPER.readTree(r.body()).size(),
                r.headers().firstValue("x-ms-continuation-token").filter(t -> !t.isEmpty()).orElse(null));
    }

    /** The entity's state; empty while it does not exist. */
    Optional<JsonNode> entityState(String name, String key) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/entities/" + segment(name) + "/" + segment(key));
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET entity " + name + "/" + key + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return Optional.of(Json.MAPPER.readTree(r.body()));
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
