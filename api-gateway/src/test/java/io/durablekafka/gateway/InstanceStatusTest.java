package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.awaitGet;
import static io.durablekafka.gateway.HubFixture.firstHeaders;
import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.HubFixture.statusUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** GET /runtime/webhooks/durabletask/instances/{instanceId}, with this test playing the orchestrator node. */
class InstanceStatusTest {

    private static final String SECONDS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @Test
    void getRightAfterStartIsPendingNeverNotFoundOnThisAndAnotherGateway() throws Exception {
        try (HubFixture hub = new HubFixture("barrier")) {
            Gateway a = hub.gateway();
            Gateway b = hub.gateway();
            for (int i = 0; i < 10; i++) {
                for (Gateway reader : List.of(a, b)) {
                    HttpResponse<String> started = post(startUrl(a, "Hello") + "?code=k", "{\"i\": " + i + "}");
                    assertEquals(202, started.statusCode(), started.body());
                    String id = json(started).get("id").asText();

                    HttpResponse<String> r = get(statusUrl(reader, id) + "?code=k");
                    assertEquals(202, r.statusCode(), "GET right after 202 from " + (reader == a ? "A" : "B") + ": " + r.body());
                    JsonNode body = json(r);
                    assertEquals("Pending", body.get("runtimeStatus").asText());
                    assertEquals("Hello", body.get("name").asText());
                    assertEquals(id, body.get("instanceId").asText());
                    assertEquals(i, body.get("input").get("i").asInt());
                    assertTrue(body.get("createdTime").asText().matches(SECONDS), body.toString());
                    assertTrue(body.get("output").isNull());
                    Map<String, String> headers = firstHeaders(r);
                    assertEquals(reader.baseUrl() + "/runtime/webhooks/durabletask/instances/" + id + "?taskHub="
                            + hub.topics.taskHub() + "&connection=Storage&code=k", headers.get("Location"));
                    assertEquals("10", headers.get("Retry-After"));
                }
            }
            // The same holds for starts acknowledged to any producer, read at once (the views may not have them).
            for (int i = 0; i < 20; i++) {
                String id = "external-" + i;
                hub.produceInput(StartOrchestration.of(id, "Direct", Json.toTree(i)), i % 2 == 0);
                HttpResponse<String> r = get(statusUrl(i % 2 == 0 ? a : b, id));
                assertEquals(202, r.statusCode(), r.body());
                assertEquals("Pending", json(r).get("runtimeStatus").asText());
                assertEquals("Direct", json(r).get("name").asText());
            }
        }
    }

    @Test
    void statusFollowsTheNodeFromRunningToCompleted() throws Exception {
        try (HubFixture hub = new HubFixture("lifecycle")) {
            Gateway gw = hub.gateway();
            assertEquals(202, post(startUrl(gw, "Hello") + "/life", "\"Tokyo\"").statusCode());
            ConsumerRecord<String, byte[]> record = hub.awaitStartRecord("life");
            StartOrchestration start = HubFixture.startOf(record);

            // A status older than the start (inputOffset below the start's offset) does not hide it.
            hub.writeInstance(HubFixture.status(start, record.offset() - 1, RuntimeStatus.Completed, null, null));
            hub.writeInstance(HubFixture.status(start, record.offset(), RuntimeStatus.Running, null, null));
            HttpResponse<String> running = awaitGet(statusUrl(gw, "life"), r -> r.body().contains("\"Running\""));
            assertEquals(202, running.statusCode());
            assertEquals("10", firstHeaders(running).get("Retry-After"));
            assertTrue(firstHeaders(running).containsKey("Location"));

            InstanceStatus done = new InstanceStatus("life", "Hello", "exec-1", RuntimeStatus.Completed,
                    start.input(), Json.MAPPER.readTree("[\"Hello Tokyo!\"]"), Json.MAPPER.readTree("{\"step\": 3}"),
                    null, Instant.parse("2024-01-15T10:00:00.123Z"), Instant.parse("2024-01-15T10:00:05.987Z"), null, 5,
                    record.offset() + 3);
            hub.writeInstance(done);
            HttpResponse<String> completed = awaitGet(statusUrl(gw, "life"), r -> r.statusCode() == 200);
            JsonNode body = json(completed);
            assertEquals("Completed", body.get("runtimeStatus").asText());
            assertEquals("Hello", body.get("name").asText());
            assertEquals("life", body.get("instanceId").asText());
            assertEquals("Tokyo", body.get("input").asText());
            assertEquals(Json.MAPPER.readTree("[\"Hello Tokyo!\"]"), body.get("output"));
            assertEquals(3, body.get("customStatus").get("step").asInt());
            assertEquals("2024-01-15T10:00:00Z", body.get("createdTime").asText());
            assertEquals("2024-01-15T10:00:05Z", body.get("lastUpdatedTime").asText());
            assertFalse(body.has("historyEvents"));
            assertFalse(firstHeaders(completed).containsKey("Location"));

            HttpResponse<String> noInput = get(statusUrl(gw, "life") + "?showInput=false");
            assertEquals(200, noInput.statusCode());
            assertTrue(json(noInput).has("input"));
            assertTrue(json(noInput).get("input").isNull());
        }
    }

    @Test
    void failedInstanceShowsTheFailureWith200Or500() throws Exception {
        try (HubFixture hub = new HubFixture("failed")) {
            Gateway gw = hub.gateway();
            assertEquals(202, post(startUrl(gw, "Crashy") + "/boom", "{}").statusCode());
            ConsumerRecord<String, byte[]> record = hub.awaitStartRecord("boom");
            StartOrchestration start = HubFixture.startOf(record);
            FailureDetails failure = new FailureDetails("java.lang.IllegalStateException", "kaput",
                    "java.lang.IllegalStateException: kaput\n\tat X.y(X.java:1)", null);
            hub.writeInstance(HubFixture.status(start, record.offset(), RuntimeStatus.Failed, null, failure));

            HttpResponse<String> r = awaitGet(statusUrl(gw, "boom"), x -> x.statusCode() == 200);
            JsonNode body = json(r);
            assertEquals("Failed", body.get("runtimeStatus").asText());
            assertEquals("Orchestrator function 'Crashy' failed: kaput", body.get("output").asText());
            assertEquals("java.lang.IllegalStateException", body.get("failureDetails").get("errorType").asText());
            assertEquals("kaput", body.get("failureDetails").get("errorMessage").asText());
            assertTrue(body.get("failureDetails").get("stackTrace").asText().contains("X.y"));

            HttpResponse<String> strict = get(statusUrl(gw, "boom") + "?returnInternalServerErrorOnFailure=true");
            assertEquals(500, strict.statusCode());
            assertEquals("Failed", json(strict).get("runtimeStatus").asText());
            assertEquals(body.get("output"), json(strict).get("output"));
        }
    }

    @Test
    void unknownInstancesAndRoutesAre404WithJsonBodies() throws Exception {
        try (HubFixture hub = new HubFixture("missing")) {
            Gateway gw = hub.gateway();
            HttpResponse<String> r = get(statusUrl(gw, "nobody-here"));
            assertError(r, 404, "InstanceNotFound");
            assertTrue(json(r).get("message").asText().contains("nobody-here"));
            assertError(get(gw.baseUrl() + "/runtime/webhooks/durabletask/nothing"), 404, "NotFound");
            assertError(get(gw.baseUrl() + "/nothing"), 404, "NotFound");
            assertError(get(gw.baseUrl() + "/dashboard/nothing.js"), 404, "NotFound");
            // The root is the dashboard's (a relative redirect, so it also works under a proxy's prefix).
            HttpResponse<String> root = get(gw.baseUrl() + "/");
            assertEquals(302, root.statusCode());
            assertEquals("dashboard/", root.headers().firstValue("Location").orElse(null));
            assertError(get(statusUrl(gw, "a%2Fb")), 400, "InvalidInstanceId");
            // A URI Jetty itself rejects still gets a JSON body.
            String raw = rawGet(gw.port(), "/runtime/webhooks/durabletask/instances/%zz");
            assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
            assertTrue(raw.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), raw);
            JsonNode bad = Json.MAPPER.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
            assertFalse(bad.path("message").asText().isBlank(), raw);
        }
    }

    /** A request java.net.http refuses to send (a malformed URI), over a plain socket. */
    private static String rawGet(int port, String path) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static int historySize(HttpResponse<String> r) {
        try {
            return json(r).path("historyEvents").size();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void showHistoryRendersTheDocumentedShape() throws Exception {
        try (HubFixture hub = new HubFixture("history")) {
            Gateway gw = hub.gateway();
            assertEquals(202, post(startUrl(gw, "E1_HelloSequence") + "/seq", "\"in\"").statusCode());
            ConsumerRecord<String, byte[]> record = hub.awaitStartRecord("seq");
            StartOrchestration start = HubFixture.startOf(record);

            Instant t0 = Instant.parse("2018-02-28T05:18:49.345Z");
            FailureDetails failure = new FailureDetails("java.io.IOException", "no route", "stack...", null);
            List<HistoryEvent> events = new ArrayList<>(List.of(
                    new HistoryEvent.OrchestratorStarted(t0),
                    new HistoryEvent.ExecutionStarted(t0, "E1_HelloSequence", "exec-1", Json.MAPPER.readTree("\"in\""), null, null, null),
                    new HistoryEvent.TaskScheduled(t0.plusSeconds(1), 0, "E1_SayHello", Json.MAPPER.readTree("\"Tokyo\"")),
                    new HistoryEvent.OrchestratorStarted(t0.plusSeconds(2)),
                    new HistoryEvent.TaskCompleted(t0.plusSeconds(2), 0, Json.MAPPER.readTree("\"Hello Tokyo!\"")),
                    new HistoryEvent.TaskScheduled(t0.plusSeconds(3), 1, "E1_SayHello", Json.MAPPER.readTree("\"Nowhere\"")),
                    new HistoryEvent.TaskFailed(t0.plusSeconds(4), 1, failure),
                    new HistoryEvent.TimerCreated(t0.plusSeconds(5), 2, t0.plusSeconds(65)),
                    new HistoryEvent.TimerFired(t0.plusSeconds(65), 2, t0.plusSeconds(65)),
                    new HistoryEvent.EventRaised(t0.plusSeconds(66), "Approval", Json.MAPPER.readTree("true")),
                    new HistoryEvent.SubOrchestrationInstanceCreated(t0.plusSeconds(67), 3, "Child", "seq:child", null),
                    new HistoryEvent.SubOrchestrationInstanceCompleted(t0.plusSeconds(68), 3, Json.MAPPER.readTree("7")),
                    new HistoryEvent.TaskScheduled(t0.plusSeconds(69), 4, "StillRunning", null),
                    new HistoryEvent.ExecutionCompleted(t0.plusSeconds(70), RuntimeStatus.Completed,
                            Json.MAPPER.readTree("[\"Hello Tokyo!\"]"), null)));
            // A chunk the node has not deleted yet from an earlier execution (under later sequence numbers): not shown.
            hub.writeHistory("seq", "exec-0", List.of(new HistoryEvent.OrchestratorStarted(t0),
                    new HistoryEvent.ExecutionStarted(t0, "E1_HelloSequence", "exec-0", null, null, null, null),
                    new HistoryEvent.ExecutionTerminated(t0, "old")), 100);
            hub.writeHistory("seq", "exec-1", events);
            hub.writeInstance(new InstanceStatus("seq", "E1_HelloSequence", "exec-1", RuntimeStatus.Completed,
                    start.input(), Json.MAPPER.readTree("[\"Hello Tokyo!\"]"), null, null, t0, t0.plusSeconds(70), null,
                    events.size(), record.offset() + 10));

            String url = statusUrl(gw, "seq") + "?showHistory=true";
            HttpResponse<String> r = awaitGet(url, x -> x.statusCode() == 200 && historySize(x) == 9);
            JsonNode history = json(r).get("historyEvents");
            List<String> types = new ArrayList<>();
            history.forEach(e -> types.add(e.get("EventType").asText()));
            assertEquals(List.of("ExecutionStarted", "TaskCompleted", "TaskFailed", "TimerCreated", "TimerFired",
                    "EventRaised", "SubOrchestrationInstanceCompleted", "TaskScheduled", "ExecutionCompleted"), types);

            JsonNode started = history.get(0);
            assertEquals("E1_HelloSequence", started.get("FunctionName").asText());
            assertEquals("in", started.get("Input").asText());
            assertEquals("2018-02-28T05:18:49.345Z", started.get("Timestamp").asText());
            JsonNode completed = history.get(1);
            assertEquals("E1_SayHello", completed.get("FunctionName").asText());
            assertEquals("2018-02-28T05:18:50.345Z", completed.get("ScheduledTime").asText());
            assertEquals("2018-02-28T05:18:51.345Z", completed.get("Timestamp").asText());
            assertFalse(completed.has("Result"), "no Result without showHistoryOutput");
            JsonNode failed = history.get(2);
            assertEquals("E1_SayHello", failed.get("FunctionName").asText());
            assertEquals("no route", failed.get("Reason").asText());
            assertEquals("java.io.IOException", failed.get("FailureDetails").get("ErrorType").asText());
            assertEquals("2018-02-28T05:19:54.345Z", history.get(3).get("FireAt").asText());
            assertEquals("2018-02-28T05:19:54.345Z", history.get(4).get("FireAt").asText());
            assertEquals("Approval", history.get(5).get("Name").asText());
            assertFalse(history.get(5).has("Input"));
            assertEquals("Child", history.get(6).get("FunctionName").asText());
            assertFalse(history.get(6).has("Result"));
            assertEquals("StillRunning", history.get(7).get("Name").asText());
            JsonNode end = history.get(8);
            assertEquals("Completed", end.get("OrchestrationStatus").asText());
            assertFalse(end.has("Result"));
            for (JsonNode e : history) {
                List<String> names = new ArrayList<>();
                e.fieldNames().forEachRemaining(names::add);
                assertEquals("EventType", names.getFirst(), e.toString());
                assertEquals("Timestamp", names.getLast(), e.toString());
            }

            JsonNode withOutput = json(get(url + "&showHistoryOutput=true&showInput=false")).get("historyEvents");
            assertFalse(withOutput.get(0).has("Input"), "showInput=false hides the ExecutionStarted input");
            assertEquals("Hello Tokyo!", withOutput.get(1).get("Result").asText());
            assertEquals(true, withOutput.get(5).get("Input").asBoolean());
            assertEquals(7, withOutput.get(6).get("Result").asInt());
            assertEquals(Json.MAPPER.readTree("[\"Hello Tokyo!\"]"), withOutput.get(8).get("Result"));
        }
    }
}
