package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.instancesUrl;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.messageOf;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.send;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.ResumeOrchestration;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.messages.SuspendOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Raise event, terminate, suspend, resume, rewind and restart against a real broker, this test playing the node. */
class InstanceCommandsTest {

    private static final List<RuntimeStatus> ENDED = List.of(RuntimeStatus.Completed, RuntimeStatus.Failed,
            RuntimeStatus.Terminated, RuntimeStatus.Canceled);

    @Test
    void raiseEventAccepts202AndRefusesBadBodiesUnknownAndEndedInstances() throws Exception {
        try (HubFixture hub = new HubFixture("raise")) {
            Gateway gw = hub.gateway();
            assertEquals(202, post(startUrl(gw, "Hello") + "/ev", null).statusCode());
            String url = instancesUrl(gw) + "/ev/raiseEvent/Approval";

            HttpResponse<String> r = post(url, "{\"ok\": true}");
            assertEquals(202, r.statusCode(), r.body());
            assertTrue(r.body().isEmpty(), "no content: " + r.body());
            RaiseEvent event = (RaiseEvent) messageOf(hub.awaitInputs("ev", "RaiseEvent", 1).getFirst());
            assertEquals("Approval", event.name());
            assertEquals(Json.MAPPER.readTree("{\"ok\": true}"), event.input());

            // An empty body without any Content-Type (some clients): the event with null data.
            assertEquals(202, send("POST", instancesUrl(gw) + "/ev/raiseEvent/Ping", null).statusCode());
            RaiseEvent ping = (RaiseEvent) messageOf(hub.awaitInputs("ev", "RaiseEvent", 2).get(1));
            assertEquals("Ping", ping.name());
            assertTrue(ping.input() == null || ping.input().isNull());
            // The event name is decoded; a charset parameter is fine.
            assertEquals(202, send("POST", instancesUrl(gw) + "/ev/raiseEvent/Big%20Event", "\"incr\"",
                    "Content-Type", "application/json; charset=utf-8").statusCode());
            assertEquals("Big Event", ((RaiseEvent) messageOf(hub.awaitInputs("ev", "RaiseEvent", 3).get(2))).name());

            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            assertError(post(url, "not json"), 400, "InvalidJson");
            assertError(send("POST", url, "{}", "Content-Type", "text/plain"), 400, "UnsupportedContentType");
            assertError(post(instancesUrl(gw) + "/nobody/raiseEvent/Approval", "1"), 404, "InstanceNotFound");
            for (RuntimeStatus ended : ENDED) {
                String id = "ended-" + ended;
                hub.seed(id, "Hello", ended, null, null, Instant.now());
                HubFixture.awaitGet(HubFixture.statusUrl(gw, id), x -> x.statusCode() == 200 || x.statusCode() == 500);
                assertError(post(instancesUrl(gw) + "/" + id + "/raiseEvent/Approval", "1"), 410, "InstanceEnded");
            }
            assertEquals(before, hub.inputEndOffsets(), "refused requests wrote nothing");
        }
    }

    @Test
    void terminateSuspendAndResumeCarryTheReasonAndRefuseUnknownAndEndedInstances() throws Exception {
        try (HubFixture hub = new HubFixture("control")) {
            Gateway gw = hub.gateway();
            assertEquals(202, post(startUrl(gw, "Hello") + "/ctl", "1").statusCode());
            hub.advance("ctl", RuntimeStatus.Running, null);
            HubFixture.awaitGet(HubFixture.statusUrl(gw, "ctl"), x -> x.body().contains("Running"));

            HttpResponse<String> suspend = post(instancesUrl(gw) + "/ctl/suspend?reason=pause%20please", null);
            assertEquals(202, suspend.statusCode(), suspend.body());
            assertTrue(suspend.body().isEmpty());
            assertEquals("pause please", ((SuspendOrchestration) messageOf(
                    hub.awaitInputs("ctl", "SuspendOrchestration", 1).getFirst())).reason());
            assertEquals(202, post(instancesUrl(gw) + "/ctl/resume?reason=go", null).statusCode());
            assertEquals("go", ((ResumeOrchestration) messageOf(
                    hub.awaitInputs("ctl", "ResumeOrchestration", 1).getFirst())).reason());
            // Resuming an instance that is not suspended is accepted (the node ignores it), as in Azure.
            assertEquals(202, post(instancesUrl(gw) + "/ctl/resume", null).statusCode());
            assertNull(((ResumeOrchestration) messageOf(hub.awaitInputs("ctl", "ResumeOrchestration", 2).get(1))).reason());
            HttpResponse<String> terminate = post(instancesUrl(gw) + "/ctl/terminate?reason=buggy", null);
            assertEquals(202, terminate.statusCode(), terminate.body());
            assertEquals("buggy", ((TerminateOrchestration) messageOf(
                    hub.awaitInputs("ctl", "TerminateOrchestration", 1).getFirst())).reason());

            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            for (String op : List.of("terminate", "suspend", "resume")) {
                assertError(post(instancesUrl(gw) + "/nobody/" + op + "?reason=x", null), 404, "InstanceNotFound");
            }
            for (RuntimeStatus ended : ENDED) {
                String id = "over-" + ended;
                hub.seed(id, "Hello", ended, null, null, Instant.now());
                HubFixture.awaitGet(HubFixture.statusUrl(gw, id), x -> x.statusCode() != 404);
                for (String op : List.of("terminate", "suspend", "resume")) {
                    assertError(post(instancesUrl(gw) + "/" + id + "/" + op, null), 410, "InstanceEnded");
                }
            }
            assertEquals(before, hub.inputEndOffsets(), "refused requests wrote nothing");
        }
    }

    @Test
    void rewindOnlyFailedInstances() throws Exception {
        try (HubFixture hub = new HubFixture("rewind")) {
            Gateway gw = hub.gateway();
            Map<String, RuntimeStatus> seeded = Map.of("failed", RuntimeStatus.Failed, "completed", RuntimeStatus.Completed,
                    "terminated", RuntimeStatus.Terminated, "canceled", RuntimeStatus.Canceled,
                    "running", RuntimeStatus.Running, "suspended", RuntimeStatus.Suspended);
            for (var e : seeded.entrySet()) {
                hub.seed(e.getKey(), "Hello", e.getValue(), null, null, Instant.now());
            }
            for (String id : seeded.keySet()) {
                HubFixture.awaitGet(HubFixture.statusUrl(gw, id), x -> x.statusCode() != 404);
            }
            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            for (String id : List.of("completed", "terminated", "canceled")) {
                assertError(post(instancesUrl(gw) + "/" + id + "/rewind?reason=x", null), 410, "InstanceEnded");
            }
            for (String id : List.of("running", "suspended")) {
                assertError(post(instancesUrl(gw) + "/" + id + "/rewind", null), 412, "InstanceNotFailed");
            }
            assertError(post(instancesUrl(gw) + "/nobody/rewind", null), 404, "InstanceNotFound");
            assertEquals(before, hub.inputEndOffsets(), "refused requests wrote nothing");

            HttpResponse<String> r = post(instancesUrl(gw) + "/failed/rewind?reason=fixed", null);
            assertEquals(202, r.statusCode(), r.body());
            RewindOrchestration rewind = (RewindOrchestration) messageOf(
                    hub.awaitInputs("failed", "RewindOrchestration", 1).getFirst());
            assertEquals("fixed", rewind.reason());
        }
    }

    @Test
    void restartStartsTheSameOrchestrationWithItsInput() throws Exception {
        try (HubFixture hub = new HubFixture("restart")) {
            Gateway gw = hub.gateway();
            JsonNode input = Json.MAPPER.readTree("{\"a\": 1}");
            hub.seed("done", "Hello", RuntimeStatus.Completed, input, Json.toTree("out"), Instant.now());
            HubFixture.awaitGet(HubFixture.statusUrl(gw, "done"), x -> x.statusCode() == 200);

            // Default: a new instance ID.
            HttpResponse<String> fresh = post(instancesUrl(gw) + "/done/restart?code=k", null);
            assertEquals(202, fresh.statusCode(), fresh.body());
            String newId = json(fresh).get("id").asText();
            assertNotEquals("done", newId);
            assertTrue(newId.matches("[0-9a-f]{32}"));
            assertTrue(json(fresh).get("statusQueryGetUri").asText().contains("/instances/" + newId + "?"));
            assertEquals(json(fresh).get("statusQueryGetUri").asText(), fresh.headers().firstValue("Location").orElseThrow());
            StartOrchestration start = HubFixture.startOf(hub.awaitStartRecord(newId));
            assertEquals("Hello", start.name());
            assertEquals(input, start.input());

            // Same ID: only while the instance is terminal.
            HttpResponse<String> same = post(instancesUrl(gw) + "/done/restart?restartWithNewInstanceId=false", null);
            assertEquals(202, same.statusCode(), same.body());
            assertEquals("done", json(same).get("id").asText());
            assertEquals(input, HubFixture.startOf(hub.awaitStartRecord("done")).input());
            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            assertError(post(instancesUrl(gw) + "/done/restart?restartWithNewInstanceId=false", null), 409,
                    "InstanceAlreadyExists");
            // An unknown instance is a bad argument (400), as the extension answers.
            assertError(post(instancesUrl(gw) + "/nobody/restart", null), 400, "InstanceNotFound");
            assertEquals(before, hub.inputEndOffsets(), "refused requests wrote nothing");

            // An active instance may be restarted under a new ID.
            assertEquals(202, post(instancesUrl(gw) + "/done/restart?restartWithNewInstanceId=true", null).statusCode());
        }
    }

    @Test
    void fiftyConcurrentRaisesAndFiftyConcurrentStartsOfOneId() throws Exception {
        try (HubFixture hub = new HubFixture("parallel");
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Gateway gw = hub.gateway();
            assertEquals(202, post(startUrl(gw, "Hello") + "/hot", null).statusCode());

            List<Future<HttpResponse<String>>> raises = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                raises.add(pool.submit(() -> post(instancesUrl(gw) + "/hot/raiseEvent/Tick", String.valueOf(n))));
            }
            for (Future<HttpResponse<String>> f : raises) {
                assertEquals(202, f.get().statusCode(), f.get().body());
            }
            List<ConsumerRecord<String, byte[]>> records = hub.allInputs("hot", "RaiseEvent");
            assertEquals(50, records.size());
            Set<Integer> data = new HashSet<>();
            for (ConsumerRecord<String, byte[]> rec : records) {
                data.add(((RaiseEvent) messageOf(rec)).input().asInt());
            }
            assertEquals(50, data.size(), "every event once");

            // One gateway serializes starts of the same ID: exactly one is accepted, the rest conflict.
            List<Future<HttpResponse<String>>> starts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                starts.add(pool.submit(() -> post(startUrl(gw, "Hello") + "/same", String.valueOf(n))));
            }
            int accepted = 0;
            int conflicts = 0;
            for (Future<HttpResponse<String>> f : starts) {
                int code = f.get().statusCode();
                if (code == 202) {
                    accepted++;
                } else {
                    assertError(f.get(), 409, "InstanceAlreadyExists");
                    conflicts++;
                }
            }
            assertEquals(1, accepted);
            assertEquals(49, conflicts);
            assertEquals(1, hub.allInputs("same", "StartOrchestration").size());
            assertEquals(200, get(instancesUrl(gw)).statusCode());
        }
    }
}
