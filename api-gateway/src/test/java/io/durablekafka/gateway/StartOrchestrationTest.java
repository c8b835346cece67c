package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.firstHeaders;
import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.HubFixture.statusUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** POST /runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}] against a real broker. */
class StartOrchestrationTest {

    @Test
    void startAnswers202WithTheManagementPayloadAndWritesTheStartRecord() throws Exception {
        try (HubFixture hub = new HubFixture("start")) {
            Gateway gw = hub.gateway();
            HttpResponse<String> r = post(startUrl(gw, "HelloCities") + "?code=XXX",
                    "{\"resourceGroup\": \"myRG\", \"n\": 2}");

            assertEquals(202, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            JsonNode body = json(r);
            String id = body.get("id").asText();
            assertTrue(id.matches("[0-9a-f]{32}"), "generated ID: " + id);

            String base = gw.baseUrl() + "/runtime/webhooks/durabletask/instances/" + id;
            String query = "taskHub=" + hub.topics.taskHub() + "&connection=Storage&code=XXX";
            List<String> fields = new ArrayList<>();
            for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                fields.add(it.next());
            }
            assertEquals(List.of("id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri",
                    "purgeHistoryDeleteUri", "restartPostUri", "rewindPostUri", "suspendPostUri", "resumePostUri"), fields);
            assertEquals(base + "?" + query, body.get("statusQueryGetUri").asText());
            assertEquals(base + "/raiseEvent/{eventName}?" + query, body.get("sendEventPostUri").asText());
            assertEquals(base + "/terminate?reason={text}&" + query, body.get("terminatePostUri").asText());
            assertEquals(base + "?" + query, body.get("purgeHistoryDeleteUri").asText());
            assertEquals(base + "/restart?" + query, body.get("restartPostUri").asText());
            assertEquals(base + "/rewind?reason={text}&" + query, body.get("rewindPostUri").asText());
            assertEquals(base + "/suspend?reason={text}&" + query, body.get("suspendPostUri").asText());
            assertEquals(base + "/resume?reason={text}&" + query, body.get("resumePostUri").asText());

            Map<String, String> headers = firstHeaders(r);
            assertEquals(body.get("statusQueryGetUri").asText(), headers.get("Location"));
            assertEquals("10", headers.get("Retry-After"));

            ConsumerRecord<String, byte[]> record = hub.awaitStartRecord(id);
            assertEquals(id, record.key());
            assertEquals("StartOrchestration", MessageHeaders.type(record.headers()));
            StartOrchestration start = HubFixture.startOf(record);
            assertEquals(id, start.instanceId());
            assertEquals("HelloCities", start.name());
            assertEquals(Json.MAPPER.readTree("{\"resourceGroup\": \"myRG\", \"n\": 2}"), start.input());
            assertNotNull(start.requestedTime());
            assertEquals("StartOrchestration", Json.MAPPER.readTree(record.value()).get("type").asText());
        }
    }

    @Test
    void startWithExplicitInstanceIdEmptyBodyAndConnection() throws Exception {
        try (HubFixture hub = new HubFixture("explicit")) {
            Gateway gw = hub.gateway(o -> o.withConnections(List.of("Storage", "MyConn")));
            HttpResponse<String> r = post(startUrl(gw, "Hello") + "/order%2042?connection=MyConn", null);

            assertEquals(202, r.statusCode(), r.body());
            JsonNode body = json(r);
            assertEquals("order 42", body.get("id").asText());
            assertEquals(gw.baseUrl() + "/runtime/webhooks/durabletask/instances/order%2042?taskHub="
                    + hub.topics.taskHub() + "&connection=MyConn", body.get("statusQueryGetUri").asText());
            assertFalse(body.get("terminatePostUri").asText().contains("code="));

            StartOrchestration start = HubFixture.startOf(hub.awaitStartRecord("order 42"));
            assertEquals("Hello", start.name());
            assertTrue(start.input() == null || start.input().isNull(), "empty body = null input");

            // The Location URL works as is.
            HttpResponse<String> status = get(firstHeaders(r).get("Location"));
            assertEquals(202, status.statusCode(), status.body());
            assertEquals("order 42", json(status).get("instanceId").asText());
        }
    }

    @Test
    void startRejectsBadJsonUnknownOrchestratorsAndInvalidInstanceIds() throws Exception {
        try (HubFixture hub = new HubFixture("bad")) {
            Gateway gw = hub.gateway(Set.of("Hello", "Other"));

            assertError(post(startUrl(gw, "Hello"), "{\"a\": "), 400, "InvalidJson");
            assertError(post(startUrl(gw, "Hello"), "{} trailing"), 400, "InvalidJson");
            assertError(post(startUrl(gw, "Hello"), "not json"), 400, "InvalidJson");
            HttpResponse<String> unknown = post(startUrl(gw, "Nope"), "1");
            assertError(unknown, 400, "UnknownOrchestrator");
            assertTrue(json(unknown).get("message").asText().contains("Nope"));

            for (String encodedId : List.of("a".repeat(257), "a%2Fb", "a%5Cb", "a%23b", "a%3Fb", "a%01b", "a%0Ab",
                    "a%7Fb")) {
                assertError(post(startUrl(gw, "Hello") + "/" + encodedId, "1"), 400, "InvalidInstanceId");
            }
            // The longest valid ID, and an ID with characters that need encoding.
            assertEquals(202, post(startUrl(gw, "Hello") + "/" + "b".repeat(256), "1").statusCode());
            HttpResponse<String> odd = post(startUrl(gw, "Other") + "/x%2By%3Dz%C3%A9", "1");
            assertEquals(202, odd.statusCode(), odd.body());
            assertEquals("x+y=zé", json(odd).get("id").asText());
        }
    }

    @Test
    void startConflictsWithAnActiveInstanceAndReusesATerminalOne() throws Exception {
        try (HubFixture hub = new HubFixture("conflict")) {
            Gateway gw = hub.gateway();
            Gateway other = hub.gateway();
            assertEquals(202, post(startUrl(gw, "Hello") + "/dup", "\"first\"").statusCode());
            // The first start shows as Pending (active) once the view has it: a second start is refused.
            HubFixture.awaitGet(statusUrl(gw, "dup"), x -> x.statusCode() == 202);
            assertError(post(startUrl(gw, "Hello") + "/dup", "\"second\""), 409, "InstanceAlreadyExists");

            // The node runs it: still active.
            ConsumerRecord<String, byte[]> first = hub.awaitStartRecord("dup");
            StartOrchestration start = HubFixture.startOf(first);
            hub.writeInstance(HubFixture.status(start, first.offset(), RuntimeStatus.Running, null, null));
            HubFixture.awaitGet(statusUrl(gw, "dup"), x -> x.body().contains("\"Running\""));
            assertError(post(startUrl(gw, "Hello") + "/dup", "\"second\""), 409, "InstanceAlreadyExists");

            // Completed: the ID may be reused, and the new start shows as Pending with its own input.
            hub.writeInstance(HubFixture.status(start, first.offset(), RuntimeStatus.Completed,
                    Json.MAPPER.readTree("\"done\""), null));
            HubFixture.awaitGet(statusUrl(gw, "dup"), x -> x.statusCode() == 200);
            HubFixture.awaitGet(statusUrl(other, "dup"), x -> x.statusCode() == 200);
            HttpResponse<String> again = post(startUrl(gw, "Hello") + "/dup", "\"second\"");
            assertEquals(202, again.statusCode(), again.body());
            HttpResponse<String> pending = get(statusUrl(gw, "dup"));
            assertEquals(202, pending.statusCode(), pending.body());
            assertEquals("Pending", json(pending).get("runtimeStatus").asText());
            assertEquals("second", json(pending).get("input").asText());
            // Another gateway still holding the Completed status must not show it after the new start either.
            HttpResponse<String> elsewhere = get(statusUrl(other, "dup"));
            assertEquals(202, elsewhere.statusCode(), elsewhere.body());
            assertEquals("Pending", json(elsewhere).get("runtimeStatus").asText());
            ConsumerRecord<String, byte[]> second = hub.awaitStartRecord("dup", 2);
            assertTrue(second.offset() > first.offset());

            // Reuse by a start written straight to Kafka, read at once on both gateways: never the old status.
            hub.writeInstance(HubFixture.status(HubFixture.startOf(second), second.offset(), RuntimeStatus.Completed,
                    Json.MAPPER.readTree("\"done again\""), null));
            HubFixture.awaitGet(statusUrl(gw, "dup"), x -> x.body().contains("done again"));
            HubFixture.awaitGet(statusUrl(other, "dup"), x -> x.body().contains("done again"));
            hub.produceInput(StartOrchestration.of("dup", "Hello", Json.toTree("third")), true);
            for (Gateway g : List.of(other, gw)) {
                HttpResponse<String> third = get(statusUrl(g, "dup"));
                assertEquals(202, third.statusCode(), third.body());
                assertEquals("third", json(third).get("input").asText());
            }
        }
    }

    @Test
    void startWithTimeoutWaitsForTheOutcomeWithoutPolling() throws Exception {
        try (HubFixture hub = new HubFixture("wait")) {
            Gateway gw = hub.gateway();
            // Completed in time: 200 with the output as the body.
            CompletableFuture<HttpResponse<String>> completed = postAsync(startUrl(gw, "Hello") + "/w1?timeout=30&pollingInterval=1", "1");
            hub.advance("w1", RuntimeStatus.Running, null);
            hub.advance("w1", RuntimeStatus.Completed, Json.MAPPER.readTree("{\"greeting\": \"hi\"}"));
            HttpResponse<String> r1 = completed.get();
            assertEquals(200, r1.statusCode(), r1.body());
            assertEquals(Json.MAPPER.readTree("{\"greeting\": \"hi\"}"), json(r1));

            // Failed or Terminated in time: 200 with the status (as WaitForCompletionOrCreateCheckStatusResponseAsync).
            CompletableFuture<HttpResponse<String>> failed = postAsync(startUrl(gw, "Hello") + "/w2?timeout=30", null);
            hub.advance("w2", RuntimeStatus.Failed, null);
            HttpResponse<String> r2 = failed.get();
            assertEquals(200, r2.statusCode(), r2.body());
            assertEquals("Failed", json(r2).get("runtimeStatus").asText());
            assertEquals("w2", json(r2).get("instanceId").asText());
            CompletableFuture<HttpResponse<String>> terminated = postAsync(startUrl(gw, "Hello") + "/w3?timeout=30", null);
            hub.advance("w3", RuntimeStatus.Terminated, Json.toTree("stop"));
            HttpResponse<String> r3 = terminated.get();
            assertEquals(200, r3.statusCode(), r3.body());
            assertEquals("Terminated", json(r3).get("runtimeStatus").asText());
            assertEquals("stop", json(r3).get("output").asText());

            // Not finished in time: the usual 202 with the management payload, after the timeout.
            long t0 = System.nanoTime();
            HttpResponse<String> r4 = post(startUrl(gw, "Hello") + "/w4?timeout=0.4", null);
            long took = System.nanoTime() - t0;
            assertEquals(202, r4.statusCode(), r4.body());
            assertEquals("w4", json(r4).get("id").asText());
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(390), "waited the timeout");
            // A status that predates the start (an earlier execution) does not end the wait.
            hub.seed("w5", "Hello", RuntimeStatus.Completed, null, Json.toTree("old"), java.time.Instant.now());
            HubFixture.awaitGet(statusUrl(gw, "w5"), x -> x.statusCode() == 200);
            HttpResponse<String> r5 = post(startUrl(gw, "Hello") + "/w5?timeout=0.3", null);
            assertEquals(202, r5.statusCode(), r5.body());

            Map<org.apache.kafka.common.TopicPartition, Long> before = hub.inputEndOffsets();
            assertError(post(startUrl(gw, "Hello") + "/w6?timeout=soon", null), 400, "InvalidParameter");
            assertError(post(startUrl(gw, "Hello") + "/w6?timeout=-1", null), 400, "InvalidParameter");
            assertError(post(startUrl(gw, "Hello") + "/w6?timeout=5&pollingInterval=x", null), 400, "InvalidParameter");
            assertEquals(before, hub.inputEndOffsets());
            assertEquals(0, gw.views(hub.topics.taskHub()).notifier().waitingInstances(), "no waiter left behind");
        }
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(String url, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        b.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HubFixture.HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertError(HttpResponse<String> r, int status, String error) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode body = json(r);
        assertEquals(error, body.path("error").asText(), r.body());
        assertFalse(body.path("message").asText().isBlank(), r.body());
    }
}
