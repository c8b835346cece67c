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
import java.net.http.HttpResponse;
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
                    "purgeHistoryDeleteUri", "rewindPostUri", "suspendPostUri", "resumePostUri"), fields);
            assertEquals(base + "?" + query, body.get("statusQueryGetUri").asText());
            assertEquals(base + "/raiseEvent/{eventName}?" + query, body.get("sendEventPostUri").asText());
            assertEquals(base + "/terminate?reason={text}&" + query, body.get("terminatePostUri").asText());
            assertEquals(base + "?" + query, body.get("purgeHistoryDeleteUri").asText());
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
            Gateway gw = hub.gateway();
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
            hub.publishStatus(HubFixture.status(start, first.offset(), RuntimeStatus.Running, null, null));
            HubFixture.awaitGet(statusUrl(gw, "dup"), x -> x.body().contains("\"Running\""));
            assertError(post(startUrl(gw, "Hello") + "/dup", "\"second\""), 409, "InstanceAlreadyExists");

            // Completed: the ID may be reused, and the new start shows as Pending with its own input.
            hub.publishStatus(HubFixture.status(start, first.offset(), RuntimeStatus.Completed,
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
            hub.publishStatus(HubFixture.status(HubFixture.startOf(second), second.offset(), RuntimeStatus.Completed,
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

    static void assertError(HttpResponse<String> r, int status, String error) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode body = json(r);
        assertEquals(error, body.path("error").asText(), r.body());
        assertFalse(body.path("message").asText().isBlank(), r.body());
    }
}
