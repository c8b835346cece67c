package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The management API against real nodes and workers: every command reaches the engine and takes effect. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiEndToEndTest {

    private static final String API = "/runtime/webhooks/durabletask";
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = new TestCluster("Http", TestFunctions.registry());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private static JsonNode json(HttpResponse<String> r) {
        return Json.fromBytes(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    @Test
    void raiseEventThroughTheSendEventUrlApprovesTheRequest() {
        HttpResponse<String> started = cluster.post(API + "/orchestrators/Approval", "{\"timeoutSeconds\": 60}");
        String sendEvent = json(started).get("sendEventPostUri").asText().replace(cluster.baseUrl(), "")
                .replace("{eventName}", "ApprovalEvent");
        String id = json(started).get("id").asText();
        cluster.awaitRuntimeStatus(id, "Running");
        assertEquals(202, cluster.post(sendEvent, "true").statusCode());
        assertEquals("approved", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
        assertEquals(410, cluster.post(sendEvent, "true").statusCode(), "raising to a completed instance");
    }

    @Test
    void terminateSuspendAndResumeThroughHttp() {
        String suspended = cluster.start("WaitForGo", null);
        cluster.awaitRuntimeStatus(suspended, "Running");
        assertEquals(202, cluster.post(API + "/instances/" + suspended + "/suspend?reason=hold", "").statusCode());
        cluster.awaitRuntimeStatus(suspended, "Suspended");
        assertEquals(202, cluster.post(API + "/instances/" + suspended + "/raiseEvent/Go", "\"kept\"").statusCode());
        assertEquals(202, cluster.post(API + "/instances/" + suspended + "/resume?reason=go", "").statusCode());
        assertEquals("kept", cluster.awaitRuntimeStatus(suspended, "Completed").get("output").asText());

        String terminated = cluster.start("WaitForGo", null);
        cluster.awaitRuntimeStatus(terminated, "Running");
        assertEquals(202, cluster.post(API + "/instances/" + terminated + "/terminate?reason=enough", "").statusCode());
        assertEquals("enough", cluster.awaitRuntimeStatus(terminated, "Terminated").get("output").asText());
        assertEquals(410, cluster.post(API + "/instances/" + terminated + "/terminate?reason=again", "").statusCode());
    }

    @Test
    void rewindThroughHttpCompletesAFailedInstance() {
        String id = cluster.start("RewindMe", null);
        cluster.awaitRuntimeStatus(id, "Failed");
        assertEquals(202, cluster.post(API + "/instances/" + id + "/rewind?reason=retry", "").statusCode());
        assertEquals("hello / ok on run 2", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
        assertEquals(410, cluster.post(API + "/instances/" + id + "/rewind?reason=again", "").statusCode());
    }

    @Test
    void purgeThroughHttpDeletesTheInstance() {
        String id = cluster.start("HelloCities", null);
        cluster.awaitRuntimeStatus(id, "Completed");
        HttpResponse<String> purged = send("DELETE", API + "/instances/" + id);
        assertEquals(200, purged.statusCode(), purged.body());
        assertEquals(1, json(purged).get("instancesDeleted").asInt());
        assertEquals(404, cluster.get(API + "/instances/" + id).statusCode());
        assertEquals(404, send("DELETE", API + "/instances/" + id).statusCode());
    }

    @Test
    void startWithTimeoutAnswersWithTheOutput() {
        HttpResponse<String> r = cluster.post(API + "/orchestrators/FanOutFanIn?timeout=30", "10");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(385, json(r).asLong());
    }

    @Test
    void restartRunsTheSameOrchestrationAgain() {
        String id = cluster.start("HelloCities", null);
        cluster.awaitRuntimeStatus(id, "Completed");
        HttpResponse<String> restarted = cluster.post(API + "/instances/" + id + "/restart?restartWithNewInstanceId=true", "");
        assertEquals(202, restarted.statusCode(), restarted.body());
        String newId = json(restarted).get("id").asText();
        assertTrue(!newId.equals(id));
        assertEquals(3, cluster.awaitRuntimeStatus(newId, "Completed").get("output").size());
    }

    @Test
    void listPagesThroughCompletedInstancesWithoutRepeats() {
        String prefix = "list-" + System.nanoTime() + "-";
        for (int i = 0; i < 7; i++) {
            cluster.post(API + "/orchestrators/HelloCities/" + prefix + i, "");
        }
        for (int i = 0; i < 7; i++) {
            cluster.awaitRuntimeStatus(prefix + i, "Completed");
        }
        Set<String> seen = new HashSet<>();
        String token = null;
        do {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.baseUrl() + API
                    + "/instances?instanceIdPrefix=" + prefix + "&top=3&runtimeStatus=Completed")).GET();
            if (token != null) {
                request.header("x-ms-continuation-token", token);
            }
            HttpResponse<String> page = cluster.send(request.build());
            assertEquals(200, page.statusCode(), page.body());
            for (JsonNode instance : json(page)) {
                assertTrue(seen.add(instance.get("instanceId").asText()), "repeated " + instance);
            }
            token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
        } while (token != null);
        assertEquals(7, seen.size());
    }

    @Test
    void longPollAnswersTheMomentTheInstanceEnds() throws Exception {
        String id = json(cluster.post(API + "/orchestrators/Approval", "{\"timeoutSeconds\": 60}")).get("id").asText();
        cluster.awaitRuntimeStatus(id, "Running");
        java.util.concurrent.CompletableFuture<HttpResponse<String>> polled = HTTP.sendAsync(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.baseUrl() + API + "/instances/" + id
                        + "?timeoutSeconds=50")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, cluster.post(API + "/instances/" + id + "/raiseEvent/ApprovalEvent", "true").statusCode());
        HttpResponse<String> r = polled.get(40, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("Completed", json(r).get("runtimeStatus").asText());
        assertEquals("approved", json(r).get("output").asText());
    }

    @Test
    void anEventStreamFollowsAnInstanceToItsEnd() throws Exception {
        String id = json(cluster.post(API + "/orchestrators/Approval", "{\"timeoutSeconds\": 60}")).get("id").asText();
        HttpResponse<java.util.stream.Stream<String>> stream = HTTP.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(cluster.baseUrl() + API + "/instances/" + id + "/events")).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        java.util.List<String> statuses = new java.util.ArrayList<>();
        java.util.concurrent.CompletableFuture<Void> read = java.util.concurrent.CompletableFuture.runAsync(() ->
                stream.body().filter(line -> line.startsWith("data:")).forEach(line -> {
                    JsonNode data = Json.fromBytes(line.substring(5).strip().getBytes(StandardCharsets.UTF_8),
                            JsonNode.class);
                    synchronized (statuses) {
                        statuses.add(data.get("runtimeStatus").asText() + (data.get("output").isNull() ? ""
                                : " " + data.get("output").asText()));
                    }
                }));
        cluster.awaitRuntimeStatus(id, "Running");
        io.durablekafka.kafka.Conditions.await("the stream shows Running", java.time.Duration.ofSeconds(30), () -> {
            synchronized (statuses) {
                return statuses.contains("Running");
            }
        });
        assertEquals(202, cluster.post(API + "/instances/" + id + "/raiseEvent/ApprovalEvent", "false").statusCode());
        read.get(30, java.util.concurrent.TimeUnit.SECONDS); // the stream ends after the terminal event
        synchronized (statuses) {
            assertEquals("Completed rejected", statuses.getLast(), statuses.toString());
            assertEquals(statuses.size(), new HashSet<>(statuses).size(), "no event repeated: " + statuses);
        }
    }

    private HttpResponse<String> send(String method, String path) {
        return cluster.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.baseUrl() + path))
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    }
}
