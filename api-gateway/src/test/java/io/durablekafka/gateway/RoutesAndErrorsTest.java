package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.delete;
import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.messageOf;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.send;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The 1.x prefix, route spelling, the management routes, body limits, error bodies and the OpenAPI document. */
class RoutesAndErrorsTest {

    @Test
    void prefixesSpellingAndErrorBodies() throws Exception {
        try (HubFixture hub = new HubFixture("routes")) {
            Gateway gw = hub.gateway(o -> o.withMaxBodyBytes(1000));
            String v1 = gw.baseUrl() + "/admin/extensions/DurableTaskExtension";

            HttpResponse<String> started = post(v1 + "/orchestrators/Hello/v1-id", "{\"x\": 1}");
            assertEquals(202, started.statusCode(), started.body());
            // Management URLs always use the current prefix.
            assertTrue(json(started).get("statusQueryGetUri").asText().startsWith(
                    gw.baseUrl() + "/runtime/webhooks/durabletask/instances/v1-id?"));
            assertEquals(202, get(v1 + "/instances/v1-id").statusCode());
            assertEquals(202, get(gw.baseUrl() + "/runtime/webhooks/durableTask/instances/v1-id/").statusCode());
            assertEquals(202, post(gw.baseUrl() + "/runtime/webhooks/durabletask/instances/v1-id/RaiseEvent/e", "1").statusCode());
            assertEquals(202, post(v1 + "/instances/v1-id/terminate?reason=v1", null).statusCode());
            assertEquals("v1", ((TerminateOrchestration) messageOf(
                    hub.awaitInputs("v1-id", "TerminateOrchestration", 1).getFirst())).reason());

            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            HttpResponse<String> unknown = get(gw.baseUrl() + "/runtime/webhooks/durabletask/nothing");
            assertError(unknown, 404, "NotFound");
            assertError(post(gw.baseUrl() + "/runtime/webhooks/durabletask/instances/v1-id/explode", null), 404, "NotFound");
            HttpResponse<String> put = send("PUT", gw.baseUrl() + "/runtime/webhooks/durabletask/instances/v1-id", "1",
                    "Content-Type", "application/json");
            assertError(put, 405, "MethodNotAllowed");
            assertEquals("GET, DELETE", put.headers().firstValue("Allow").orElseThrow());
            String raw = rawGet(gw.port(), "/runtime/webhooks/durabletask/instances/bad%zzid");
            assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
            assertTrue(raw.toLowerCase().contains("content-type: application/json"), raw);
            assertTrue(raw.contains("\"error\""), raw);

            // Bodies over the limit: 413 before anything happens, with or without a Content-Length.
            String big = "\"" + "x".repeat(1200) + "\"";
            assertError(post(startUrl(gw, "Hello") + "/too-big", big), 413, "PayloadTooLarge");
            assertError(post(gw.baseUrl() + "/runtime/webhooks/durabletask/instances/v1-id/raiseEvent/e", big), 413,
                    "PayloadTooLarge");
            HttpResponse<String> chunked = HubFixture.HTTP.send(HttpRequest.newBuilder(URI.create(startUrl(gw, "Hello") + "/chunked"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new RepeatingStream(5000))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertError(chunked, 413, "PayloadTooLarge");
            assertEquals(202, post(startUrl(gw, "Hello") + "/just-fits", "\"" + "x".repeat(990) + "\"").statusCode());
            assertEquals(before.keySet(), hub.inputEndOffsets().keySet());
            assertEquals(1, hub.allInputs("just-fits", "StartOrchestration").size());
            assertTrue(hub.allInputs("too-big", "StartOrchestration").isEmpty());
            assertTrue(hub.allInputs("chunked", "StartOrchestration").isEmpty());

            HttpResponse<String> doc = get(gw.baseUrl() + "/runtime/webhooks/durabletask/openapi.json");
            assertEquals(200, doc.statusCode());
            JsonNode openapi = json(doc);
            assertTrue(openapi.get("paths").has("/runtime/webhooks/durabletask/instances/{instanceId}/raiseEvent/{eventName}"));
            assertTrue(openapi.get("paths").has("/admin/extensions/DurableTaskExtension/instances"));
            assertTrue(openapi.get("paths").has("/runtime/orchestrations/start/{orchestratorName}"));
        }
    }

    /** A GET the JDK's client refuses to send (malformed percent-encoding), over a plain socket. */
    private static String rawGet(int port, String path) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A body of n bytes of JSON (a string) sent without Content-Length. */
    private static final class RepeatingStream extends InputStream {
        private final int n;
        private int i;

        RepeatingStream(int n) {
            this.n = n;
        }

        @Override
        public int read() throws IOException {
            if (i >= n) {
                return -1;
            }
            int c = i == 0 || i == n - 1 ? '"' : 'y';
            i++;
            return c;
        }
    }

    @Test
    void managementRoutes() throws Exception {
        try (HubFixture hub = new HubFixture("mgmt")) {
            Gateway gw = hub.gateway(o -> o.withPurgeWait(Duration.ofMillis(100)));
            String base = gw.baseUrl() + "/runtime/orchestrations";

            HttpResponse<String> started = post(base + "/start/ProcessOrder?code=xyz", "{\"input\": {\"orderId\": \"123\"}}");
            assertEquals(202, started.statusCode(), started.body());
            JsonNode payload = json(started);
            String id = payload.get("id").asText();
            assertTrue(payload.get("statusQueryGetUri").asText().endsWith("/instances/" + id + "?taskHub="
                    + hub.topics.taskHub() + "&connection=Storage&code=xyz"));
            assertTrue(payload.has("sendEventPostUri") && payload.has("terminatePostUri") && payload.has("purgeHistoryDeleteUri"));
            StartOrchestration start = HubFixture.startOf(hub.awaitStartRecord(id));
            assertEquals("ProcessOrder", start.name());
            assertEquals(Json.MAPPER.readTree("{\"orderId\": \"123\"}"), start.input());
            assertEquals(202, post(base + "/start/NoInput", null).statusCode());
            assertError(post(base + "/start/ProcessOrder", "[1, 2]"), 400, "InvalidBody");

            HttpResponse<String> status = get(base + "/" + id);
            assertEquals(202, status.statusCode(), status.body());
            assertEquals("Pending", json(status).get("runtimeStatus").asText());
            assertError(get(base + "/nobody"), 404, "InstanceNotFound");

            assertEquals(202, post(base + "/" + id + "/raiseEvent/Paid", "{\"amount\": 5}").statusCode());
            assertEquals("Paid", ((RaiseEvent) messageOf(hub.awaitInputs(id, "RaiseEvent", 1).getFirst())).name());
            assertEquals(202, post(base + "/" + id + "/terminate", "{\"reason\": \"customer cancelled\"}").statusCode());
            assertEquals("customer cancelled", ((TerminateOrchestration) messageOf(
                    hub.awaitInputs(id, "TerminateOrchestration", 1).getFirst())).reason());
            assertEquals(202, post(base + "/" + id + "/terminate?reason=again", null).statusCode());
            assertEquals("again", ((TerminateOrchestration) messageOf(
                    hub.awaitInputs(id, "TerminateOrchestration", 2).get(1))).reason());

            assertError(delete(base + "/" + id), 412, "InstanceNotEnded");
            hub.advance(id, RuntimeStatus.Terminated, Json.toTree("customer cancelled"));
            HubFixture.awaitGet(base + "/" + id, x -> x.statusCode() == 200);
            assertError(post(base + "/" + id + "/terminate", null), 410, "InstanceEnded");
            HttpResponse<String> purged = delete(base + "/" + id);
            assertEquals(200, purged.statusCode(), purged.body());
            assertEquals(1, json(purged).get("instancesDeleted").asInt());
            assertEquals(1, hub.allInputs(id, "PurgeInstance").size());

            hub.seed("shipped", "Ship", RuntimeStatus.Completed, null, Json.toTree("ok"), Instant.now());
            HubFixture.awaitGet(base + "/shipped", x -> x.statusCode() == 200);
            assertEquals("ok", json(get(base + "/shipped")).get("output").asText());
        }
    }
}
