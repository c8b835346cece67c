package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.instancesUrl;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.send;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** One gateway serving two task hubs; system keys (global and per hub); connection names. */
class HubsAndAuthTest {

    @Test
    void twoHubsSideBySideAreIsolated() throws Exception {
        try (HubFixture a = new HubFixture("huba"); HubFixture b = new HubFixture("hubb")) {
            String hubA = a.topics.taskHub();
            String hubB = b.topics.taskHub();
            Gateway gw = a.gateway(o -> o.withTaskHubs(List.of(hubB)));

            // No taskHub: the default hub (A). taskHub matches case-insensitively and URLs carry the hub's name.
            HttpResponse<String> inA = post(startUrl(gw, "Hello") + "/same-id", "\"a\"");
            assertEquals(202, inA.statusCode(), inA.body());
            assertTrue(json(inA).get("statusQueryGetUri").asText().contains("taskHub=" + hubA + "&"));
            HttpResponse<String> inB = post(startUrl(gw, "Hello") + "/same-id?taskHub=" + hubB.toUpperCase(), "\"b\"");
            assertEquals(202, inB.statusCode(), inB.body());
            String statusB = json(inB).get("statusQueryGetUri").asText();
            assertTrue(statusB.contains("taskHub=" + hubB + "&"), statusB);

            // Each start went to its own hub's topic, and each hub shows its own instance.
            assertEquals("a", HubFixture.startOf(a.awaitStartRecord("same-id")).input().asText());
            assertEquals("b", HubFixture.startOf(b.awaitStartRecord("same-id")).input().asText());
            assertEquals(1, a.allInputs("same-id", "StartOrchestration").size());
            assertEquals(1, b.allInputs("same-id", "StartOrchestration").size());
            assertEquals("a", json(get(instancesUrl(gw) + "/same-id")).get("input").asText());
            assertEquals("b", json(get(statusB)).get("input").asText());
            assertEquals("a", json(get(instancesUrl(gw) + "/same-id?taskHub=" + hubA)).get("input").asText());

            assertEquals(202, post(startUrl(gw, "Hello") + "/only-b?taskHub=" + hubB, null).statusCode());
            assertError(get(instancesUrl(gw) + "/only-b"), 404, "InstanceNotFound");
            assertEquals(202, get(instancesUrl(gw) + "/only-b?taskHub=" + hubB).statusCode());
            assertEquals(1, json(get(instancesUrl(gw))).size());
            assertEquals(2, json(get(instancesUrl(gw) + "?taskHub=" + hubB)).size());

            Map<TopicPartition, Long> beforeA = a.inputEndOffsets();
            HttpResponse<String> unknown = post(startUrl(gw, "Hello") + "?taskHub=NoSuchHub", null);
            assertError(unknown, 404, "TaskHubNotFound");
            assertTrue(json(unknown).get("message").asText().contains("NoSuchHub"));
            assertEquals(beforeA, a.inputEndOffsets());
        }
    }

    @Test
    void systemKeysGlobalAndPerHub() throws Exception {
        try (HubFixture a = new HubFixture("keya"); HubFixture b = new HubFixture("keyb"); HubFixture c = new HubFixture("keyc")) {
            String hubB = b.topics.taskHub();
            String hubC = c.topics.taskHub();
            // A: the global key only. B: the global key or its own. C is served by a second gateway with a key
            // for C alone, so A there needs no key at all.
            Gateway gw = a.gateway(o -> o.withTaskHubs(List.of(hubB)).withSystemKey("sys")
                    .withHubSystemKeys(Map.of(hubB, "bee")));

            Map<TopicPartition, Long> beforeA = a.inputEndOffsets();
            Map<TopicPartition, Long> beforeB = b.inputEndOffsets();
            assertError(post(startUrl(gw, "Hello") + "/k1", null), 401, "Unauthorized");
            assertError(post(startUrl(gw, "Hello") + "/k1?code=wrong", null), 401, "Unauthorized");
            assertError(post(startUrl(gw, "Hello") + "/k1?code=bee", null), 401, "Unauthorized");
            assertError(post(startUrl(gw, "Hello") + "/k1?taskHub=" + hubB, null), 401, "Unauthorized");
            assertError(get(instancesUrl(gw) + "?code=wrong"), 401, "Unauthorized");
            assertError(send("DELETE", instancesUrl(gw) + "/k1", null, "x-functions-key", "nope"), 401, "Unauthorized");
            // An unknown hub without a key: 401 (not 404), nothing is revealed.
            assertError(get(instancesUrl(gw) + "?taskHub=Other"), 401, "Unauthorized");
            assertEquals(beforeA, a.inputEndOffsets());
            assertEquals(beforeB, b.inputEndOffsets());

            HttpResponse<String> ok = post(startUrl(gw, "Hello") + "/k1?code=sys", null);
            assertEquals(202, ok.statusCode(), ok.body());
            assertTrue(json(ok).get("statusQueryGetUri").asText().endsWith("&code=sys"));
            assertEquals(202, get(json(ok).get("statusQueryGetUri").asText()).statusCode(), "the handed-out URL works");
            HttpResponse<String> header = send("POST", startUrl(gw, "Hello") + "/k2", null, "x-functions-key", "sys");
            assertEquals(202, header.statusCode(), header.body());
            assertTrue(json(header).get("sendEventPostUri").asText().contains("code=sys"), "URLs carry the key");
            assertEquals(202, post(startUrl(gw, "Hello") + "/k3?code=bee&taskHub=" + hubB, null).statusCode());
            assertEquals(202, post(startUrl(gw, "Hello") + "/k4?code=sys&taskHub=" + hubB, null).statusCode());
            assertEquals(404, get(instancesUrl(gw) + "?taskHub=Other&code=sys").statusCode());
            // The OpenAPI document needs no key.
            assertEquals(200, get(gw.baseUrl() + "/runtime/webhooks/durabletask/openapi.json").statusCode());

            Gateway perHub = c.gateway(o -> o.withTaskHubs(List.of(a.topics.taskHub())).withHubSystemKeys(Map.of(hubC, "cee")));
            assertError(get(instancesUrl(perHub)), 401, "Unauthorized");
            assertEquals(200, get(instancesUrl(perHub) + "?code=cee").statusCode());
            assertEquals(200, get(instancesUrl(perHub) + "?taskHub=" + a.topics.taskHub()).statusCode(), "no key for A here");

            // Without keys there is no authentication: any or no code passes.
            Gateway open = b.gateway();
            assertEquals(200, get(instancesUrl(open) + "?code=whatever").statusCode());
            assertEquals(200, get(instancesUrl(open)).statusCode());
        }
    }

    @Test
    void connectionsAreCheckedAndCarriedIntoTheUrls() throws Exception {
        try (HubFixture hub = new HubFixture("conn")) {
            Gateway gw = hub.gateway(o -> o.withConnections(List.of("Storage", "Secondary")));
            JsonNode plain = json(post(startUrl(gw, "Hello") + "/c1", null));
            assertTrue(plain.get("statusQueryGetUri").asText().endsWith("&connection=Storage"));
            HttpResponse<String> named = post(startUrl(gw, "Hello") + "/c2?connection=Secondary", null);
            assertEquals(202, named.statusCode());
            assertTrue(json(named).get("terminatePostUri").asText().endsWith("&connection=Secondary"));
            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            HttpResponse<String> bad = post(startUrl(gw, "Hello") + "/c3?connection=Elsewhere", null);
            assertError(bad, 400, "UnknownConnection");
            assertTrue(json(bad).get("message").asText().contains("Elsewhere"));
            assertEquals(before, hub.inputEndOffsets());
            assertEquals(200, get(instancesUrl(gw) + "?connection=secondary").statusCode(), "case-insensitive");
        }
    }
}
