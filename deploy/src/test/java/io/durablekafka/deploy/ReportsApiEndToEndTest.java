package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.client.ClientOptions;
import io.durablekafka.client.DurableTaskClient;
import io.durablekafka.common.serde.Json;
import io.durablekafka.examples.reports.ReportsApi;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.gateway.webhooks.WebhookSigner;
import io.durablekafka.kafka.Conditions;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The reports sample (async HTTP API over GenerateReport, through the client) against a real cluster. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsApiEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SECRET = WebhookSigner.generateSecret();
    private TestCluster cluster;
    private DurableTaskClient client;
    private ReportsApi api;
    private String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() {
        // The gateway delivers completion callbacks, to this machine's receivers too.
        cluster = new TestCluster("Reports", TestFunctions.registry(),
                WebhookOptions.defaults().withAllowPrivate(true).withSecret(SECRET));
        client = new DurableTaskClient(ClientOptions.of(cluster.baseUrl()).withTaskHub(cluster.hub));
        api = new ReportsApi(client);
        base = "http://localhost:" + api.start(0);
    }

    @AfterAll
    void stop() {
        api.close();
        client.close();
        cluster.close();
        http.close();
    }

    private HttpResponse<String> send(String method, String path, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        return Json.fromBytes(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    /** Starts a report over 2024 whose stages take {@code workSeconds} each; returns the start's answer. */
    private HttpResponse<String> startReport(double workSeconds) {
        HttpResponse<String> r = send("POST", "/api/reports", Json.toString(Map.of("reportType", "sales",
                "startDate", "2024-01-01", "endDate", "2024-12-31", "workSeconds", workSeconds)));
        assertEquals(202, r.statusCode(), r.body());
        return r;
    }

    @Test
    void aReportRunsToItsResultThroughTheLongPoll() {
        HttpResponse<String> started = startReport(0);
        String id = json(started).get("instanceId").asText();
        String location = started.headers().firstValue("Location").orElseThrow();
        assertEquals(base + "/api/reports/" + id + "/status", location);
        assertEquals("/api/reports/" + id + "/result", json(started).get("resultUrl").asText());

        HttpResponse<String> status = send("GET", location + "?wait=30", null);
        assertEquals(200, status.statusCode(), status.body());
        assertEquals("Completed", json(status).get("status").asText());
        assertEquals("/api/reports/" + id + "/result", json(status).get("resultUrl").asText());

        HttpResponse<String> result = send("GET", json(status).get("resultUrl").asText(), null);
        assertEquals(200, result.statusCode(), result.body());
        JsonNode report = json(result);
        assertEquals(id, report.get("reportId").asText());
        assertEquals(12, report.get("summary").get("periods").asInt());
        assertEquals(13, report.get("rows").size(), "a header and a row per month");
        assertEquals("period,amount", report.get("rows").get(0).asText());

        assertEquals(409, send("DELETE", "/api/reports/" + id, null).statusCode(), "a finished report cannot be cancelled");
    }

    @Test
    void theStatusShowsTheStagesWhileTheReportRuns() {
        String id = json(startReport(1)).get("instanceId").asText();
        List<String> stages = new ArrayList<>();
        Conditions.await("report " + id + " completed", WAIT, () -> {
            HttpResponse<String> r = send("GET", "/api/reports/" + id + "/status", null);
            if (r.statusCode() == 202) {
                JsonNode custom = json(r).get("customStatus");
                if (custom != null && custom.has("stage")) {
                    String stage = custom.get("stage").asText() + " " + custom.get("percent").asInt();
                    if (stages.isEmpty() || !stages.getLast().equals(stage)) {
                        stages.add(stage);
                    }
                }
            }
            return r.statusCode() == 200;
        });
        // Each of the first two stages lasts a second (its durable timer), long enough to be seen.
        assertTrue(stages.contains("collecting 10") && stages.contains("summarizing 40"), stages::toString);
        assertTrue(stages.indexOf("collecting 10") < stages.indexOf("summarizing 40"), stages::toString);
    }

    @Test
    void aRunningReportHasNoResultYetAndCanBeCancelled() {
        String id = json(startReport(600)).get("instanceId").asText();
        String statusPath = "/api/reports/" + id + "/status";
        Conditions.await("report " + id + " collecting", WAIT, () -> {
            HttpResponse<String> r = send("GET", statusPath, null);
            return r.statusCode() == 202 && json(r).path("customStatus").path("stage").asText().equals("collecting");
        });
        HttpResponse<String> running = send("GET", statusPath, null);
        assertEquals(202, running.statusCode());
        assertEquals("Running", json(running).get("status").asText());
        assertEquals(10, json(running).get("customStatus").get("percent").asInt());
        assertTrue(running.headers().firstValue("Retry-After").isPresent());

        HttpResponse<String> noResult = send("GET", "/api/reports/" + id + "/result", null);
        assertEquals(409, noResult.statusCode(), noResult.body());
        assertEquals("Running", json(noResult).get("status").asText());

        long start = System.nanoTime();
        HttpResponse<String> waited = send("GET", statusPath + "?wait=1", null);
        assertEquals(202, waited.statusCode(), "still running after the wait");
        assertTrue(System.nanoTime() - start >= Duration.ofSeconds(1).toNanos(), "the long-poll held the request");

        assertEquals(204, send("DELETE", "/api/reports/" + id, null).statusCode());
        HttpResponse<String> cancelled = send("GET", statusPath + "?wait=30", null);
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals("Terminated", json(cancelled).get("status").asText());
        assertEquals("Cancelled by user", json(cancelled).get("reason").asText());
        assertEquals(409, send("DELETE", "/api/reports/" + id, null).statusCode(), "already ended");
        assertEquals(409, send("GET", "/api/reports/" + id + "/result", null).statusCode());
    }

    @Test
    void aFailedReportSaysWhy() throws Exception {
        // Started past the API's checks, as another client could: the orchestration refuses the input itself.
        String id = client.scheduleNewOrchestrationInstance("GenerateReport", Map.of("reportType", "sales"));
        client.waitForInstanceCompletion(id, WAIT, false);
        HttpResponse<String> status = send("GET", "/api/reports/" + id + "/status", null);
        assertEquals(200, status.statusCode(), status.body());
        assertEquals("Failed", json(status).get("status").asText());
        assertTrue(json(status).get("error").asText().contains("startDate"), status.body());
        assertEquals(409, send("GET", "/api/reports/" + id + "/result", null).statusCode());
        assertEquals(409, send("DELETE", "/api/reports/" + id, null).statusCode());
    }

    @Test
    void unknownReportsAreNotFound() throws Exception {
        String unknown = "no-such-report-" + System.nanoTime();
        assertEquals(404, send("GET", "/api/reports/" + unknown + "/status", null).statusCode());
        assertEquals(404, send("GET", "/api/reports/" + unknown + "/status?wait=5", null).statusCode());
        assertEquals(404, send("GET", "/api/reports/" + unknown + "/result", null).statusCode());
        assertEquals(404, send("DELETE", "/api/reports/" + unknown, null).statusCode());
        // An instance of another orchestration is no report.
        String other = client.scheduleNewOrchestrationInstance("HelloCities");
        client.waitForInstanceCompletion(other, WAIT, false);
        assertEquals(404, send("GET", "/api/reports/" + other + "/status", null).statusCode());
        assertEquals(404, send("DELETE", "/api/reports/" + other, null).statusCode());
    }

    @Test
    void invalidRequestsAreRefused() {
        HttpResponse<String> notJson = send("POST", "/api/reports", "sales please");
        assertEquals(400, notJson.statusCode());
        assertTrue(json(notJson).get("message").asText().contains("reportType"), notJson.body());
        HttpResponse<String> backwards = send("POST", "/api/reports",
                "{\"reportType\": \"sales\", \"startDate\": \"2024-12-31\", \"endDate\": \"2024-01-01\"}");
        assertEquals(400, backwards.statusCode());
        assertTrue(json(backwards).get("message").asText().contains("before"), backwards.body());
        assertEquals(400, send("GET", "/api/reports/x/status?wait=soon", null).statusCode());
    }

    @Test
    void aReportStartedWithACallbackIsPostedThereSignedWhenDone() throws Exception {
        List<JsonNode> posted = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/reports-done", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            boolean signed = new WebhookSigner(SECRET).verify(h.getFirst("webhook-id"),
                    Long.parseLong(h.getFirst("webhook-timestamp")), body, h.getFirst("webhook-signature"));
            if (signed) {
                posted.add(Json.fromBytes(body, JsonNode.class));
            }
            exchange.sendResponseHeaders(signed ? 204 : 400, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String callback = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/reports-done";
            HttpResponse<String> r = send("POST", "/api/reports?callbackUrl=" + callback, Json.toString(Map.of(
                    "reportType", "sales", "startDate", "2024-01-01", "endDate", "2024-12-31", "workSeconds", 0)));
            assertEquals(202, r.statusCode(), r.body());
            String id = json(r).get("instanceId").asText();

            Conditions.await("the finished report posted to its callback", WAIT, () -> !posted.isEmpty());
            JsonNode notice = posted.getFirst();
            assertEquals(id, notice.get("instanceId").asText());
            assertEquals("Completed", notice.get("runtimeStatus").asText(), notice::toString);
            assertEquals("GenerateReport", notice.get("name").asText());

            HttpResponse<String> refused = send("POST", "/api/reports?callbackUrl=ftp://example.com/x",
                    Json.toString(Map.of("reportType", "sales", "startDate", "2024-01-01", "endDate", "2024-12-31")));
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(json(refused).get("message").asText().contains("callbackUrl"), refused.body());
        } finally {
            receiver.stop(0);
        }
    }
}
