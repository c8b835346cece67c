package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.instancesUrl;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.send;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.HubFixture.statusUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.gateway.views.ReadViews;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Server-Sent Events of one instance and of a hub's matching instances. */
class EventStreamTest {

    @Test
    void anInstanceStreamSendsEachStatusChangeOnceAndEndsAfterTheTerminalEvent() throws Exception {
        try (HubFixture hub = new HubFixture("sseone")) {
            Gateway gw = hub.gateway();
            Instant created = Instant.parse("2026-01-01T00:00:00Z");
            hub.writeInstance(status("one", RuntimeStatus.Running, null, null, created, created.plusMillis(10), 1));
            ReadViews views = gw.views(hub.topics.taskHub());
            HubFixture.await("seeded", () -> views.find("one").isPresent());

            try (SseReader sse = SseReader.open(statusUrl(gw, "one") + "/events?showInput=false", null)) {
                assertEquals(200, sse.statusCode());
                assertTrue(sse.contentType().startsWith("text/event-stream"), sse.contentType());
                SseReader.Event first = sse.next();
                assertEquals("Running", first.data().get("runtimeStatus").asText());
                assertEquals("one", first.data().get("instanceId").asText());
                assertTrue(first.id().startsWith(created.plusMillis(10).toEpochMilli() + "-"), first.id());

                // A step that changes nothing a client sees (history grew) is no event; a custom status is.
                hub.writeInstance(status("one", RuntimeStatus.Running, null, null, created, created.plusMillis(20), 2));
                hub.writeInstance(status("one", RuntimeStatus.Running, null, Json.toTree("half way"), created,
                        created.plusMillis(30), 3));
                SseReader.Event progress = sse.next();
                assertEquals("half way", progress.data().get("customStatus").asText());
                assertTrue(progress.data().get("input").isNull(), "showInput=false holds");

                hub.writeInstance(status("one", RuntimeStatus.Completed, Json.toTree(42), Json.toTree("half way"),
                        created, created.plusMillis(40), 4));
                SseReader.Event done = sse.next();
                assertEquals("Completed", done.data().get("runtimeStatus").asText());
                assertEquals(42, done.data().get("output").asInt());
                sse.awaitEnd();
                assertNull(sse.poll(), "nothing after the terminal event");

                // Reconnecting after the terminal event: 204, nothing more will come.
                HttpResponse<String> again = send("GET", statusUrl(gw, "one") + "/events", null,
                        "Last-Event-ID", done.id());
                assertEquals(204, again.statusCode(), again.body());
                // Reconnecting with an earlier event: the current (terminal) one, then the end.
                try (SseReader resumed = SseReader.open(statusUrl(gw, "one") + "/events", progress.id())) {
                    assertEquals(done.id(), resumed.next().id());
                    resumed.awaitEnd();
                }
            }
        }
    }

    @Test
    void aReconnectWithLastEventIdDoesNotRepeatWhatWasSeen() throws Exception {
        try (HubFixture hub = new HubFixture("sseresume")) {
            Gateway gw = hub.gateway();
            assertEquals(202, post(startUrl(gw, "Hello") + "/r-1", "1").statusCode());
            String seen;
            try (SseReader sse = SseReader.open(statusUrl(gw, "r-1") + "/events", null)) {
                SseReader.Event pending = sse.next();
                assertEquals("Pending", pending.data().get("runtimeStatus").asText());
                hub.advance("r-1", RuntimeStatus.Running, null);
                SseReader.Event running = sse.next();
                assertEquals("Running", running.data().get("runtimeStatus").asText());
                assertNotEquals(pending.id(), running.id());
                seen = running.id();
            }
            try (SseReader sse = SseReader.open(statusUrl(gw, "r-1") + "/events", seen)) {
                assertEquals(200, sse.statusCode());
                hub.advance("r-1", RuntimeStatus.Completed, Json.toTree("ok"));
                SseReader.Event next = sse.next();
                assertEquals("Completed", next.data().get("runtimeStatus").asText(), "the Running event is not repeated");
                sse.awaitEnd();
            }
        }
    }

    @Test
    void errorsAreJsonBeforeTheStreamOpens() throws Exception {
        try (HubFixture hub = new HubFixture("sseerr")) {
            Gateway gw = hub.gateway();
            assertError(get(statusUrl(gw, "nobody") + "/events"), 404, "InstanceNotFound");
            hub.seed("there", "Hello", RuntimeStatus.Running, null, null, Instant.now());
            HubFixture.await("seeded", () -> gw.views(hub.topics.taskHub()).find("there").isPresent());
            assertError(send("GET", statusUrl(gw, "there") + "/events", null, "Last-Event-ID", "yesterday"), 400,
                    "InvalidLastEventId");
            assertError(get(instancesUrl(gw) + "/events?runtimeStatus=Sleeping"), 400, "InvalidParameter");
            assertError(get(instancesUrl(gw) + "/events?createdTimeFrom=soon"), 400, "InvalidParameter");
            assertError(get(instancesUrl(gw) + "/events?taskHub=NoSuchHub"), 404, "TaskHubNotFound");
            assertEquals(405, send("POST", statusUrl(gw, "there") + "/events", null).statusCode());
            // The 1.x prefix serves the streams too.
            try (SseReader sse = SseReader.open(gw.baseUrl() + "/admin/extensions/DurableTaskExtension/instances/there/events", null)) {
                assertEquals("Running", sse.next().data().get("runtimeStatus").asText());
            }
        }
    }

    @Test
    void aHubStreamFollowsTheMatchingInstancesAndSeesThemLeave() throws Exception {
        try (HubFixture hub = new HubFixture("ssehub")) {
            Gateway gw = hub.gateway(o -> o.withSseHeartbeat(Duration.ofMillis(200)));
            Instant created = Instant.parse("2026-01-01T00:00:00Z");
            try (SseReader sse = SseReader.open(instancesUrl(gw) + "/events?runtimeStatus=Running,Pending"
                    + "&instanceIdPrefix=dash-&createdTimeFrom=2025-12-31", null)) {
                assertEquals(200, sse.statusCode());
                hub.writeInstance(status("other-1", RuntimeStatus.Running, null, null, created, created, 1));
                hub.writeInstance(status("dash-old", RuntimeStatus.Running, null, null, created.minusSeconds(86_400 * 2),
                        created, 1));
                hub.writeInstance(status("dash-1", RuntimeStatus.Running, null, null, created, created.plusMillis(1), 1));
                SseReader.Event e = sse.next();
                assertEquals("dash-1", e.data().get("instanceId").asText(), "only matching instances: " + e.data());
                hub.writeInstance(status("dash-1", RuntimeStatus.Completed, Json.toTree(7), null, created,
                        created.plusMillis(2), 2));
                e = sse.next();
                assertEquals("Completed", e.data().get("runtimeStatus").asText(), "it leaves the filter: sent");
                String lastSeen = e.id();
                hub.writeInstance(status("dash-1", RuntimeStatus.Completed, Json.toTree(7), null, created,
                        created.plusMillis(3), 3));
                hub.writeInstance(status("dash-2", RuntimeStatus.Running, null, null, created, created.plusMillis(4), 1));
                e = sse.next();
                assertEquals("dash-2", e.data().get("instanceId").asText(), "a left instance is not followed: " + e.data());
                HubFixture.await("heartbeats", () -> sse.comments() >= 2);
                assertTrue(!sse.ended(), "a hub stream does not end");

                // A reconnect with Last-Event-ID first gets what matches and changed after it.
                try (SseReader resumed = SseReader.open(instancesUrl(gw) + "/events?runtimeStatus=Running"
                        + "&instanceIdPrefix=dash-", lastSeen)) {
                    assertEquals("dash-2", resumed.next().data().get("instanceId").asText());
                }
                // "0-00000000" asks for every matching instance first: a snapshot, then the changes.
                try (SseReader all = SseReader.open(instancesUrl(gw) + "/events?instanceIdPrefix=dash-", "0-00000000")) {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        ids.add(all.next().data().get("instanceId").asText());
                    }
                    assertEquals(List.of("dash-1", "dash-2", "dash-old"), ids);
                }
            }
            // Clients that left are noticed at the next heartbeat, and their streams let go.
            HubFixture.await("every stream closed", () -> gw.openEventStreams() == 0);
        }
    }

    /**
     * 1,000 streams open at once, one per instance: each gets the instance's Running event, then its Completed event
     * and its end; the gateway's platform threads do not grow with the open streams (heartbeats every second).
     */
    @Test
    void aThousandOpenStreams() throws Exception {
        int n = 1000;
        try (HubFixture hub = new HubFixture("ssemany");
             ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            Gateway gw = hub.gateway(o -> o.withSseHeartbeat(Duration.ofSeconds(1)));
            ReadViews views = gw.views(hub.topics.taskHub());
            Instant created = Instant.now();
            List<InstanceStatus> running = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                running.add(status("s-" + i, RuntimeStatus.Running, null, null, created, created, 1));
            }
            hub.seedAll(running);
            HubFixture.await("all seeded", () -> views.find("s-" + (n - 1)).isPresent() && views.find("s-0").isPresent());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                    .connectTimeout(Duration.ofSeconds(20)).build();
            try (SseReader warm = SseReader.open(client, statusUrl(gw, "s-0") + "/events", null).get(20, TimeUnit.SECONDS)) {
                warm.next();
            }
            HubFixture.await("the warm-up stream let go", () -> gw.openEventStreams() == 0);
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

            long t0 = System.nanoTime();
            List<CompletableFuture<SseReader>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opening.add(SseReader.open(client, statusUrl(gw, "s-" + i) + "/events", null));
            }
            List<SseReader> streams = new ArrayList<>();
            for (CompletableFuture<SseReader> f : opening) {
                streams.add(f.get(30, TimeUnit.SECONDS));
            }
            for (SseReader s : streams) {
                assertEquals("Running", s.next().data().get("runtimeStatus").asText());
            }
            long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int threadsOpen = ManagementFactory.getThreadMXBean().getThreadCount();
            assertEquals(n, gw.openEventStreams());

            List<InstanceStatus> completed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                completed.add(status("s-" + i, RuntimeStatus.Completed, Json.toTree(i), null, created,
                        created.plusMillis(5), 2));
            }
            long t1 = System.nanoTime();
            hub.seedAll(completed);
            for (int i = 0; i < n; i++) {
                JsonNode data = streams.get(i).next().data();
                assertEquals("Completed", data.get("runtimeStatus").asText());
                assertEquals(i, data.get("output").asInt());
                streams.get(i).awaitEnd();
            }
            long endMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
            HubFixture.await("every stream let go", () -> gw.openEventStreams() == 0);
            System.out.printf("%d event streams: open with their first event after %d ms; platform threads %d before, "
                    + "%d with all open; all got their terminal event and ended %d ms after the completions were "
                    + "written%n", n, openMs, threadsBefore, threadsOpen, endMs);
            assertTrue(threadsOpen - threadsBefore < 50, "platform threads grew from " + threadsBefore + " to "
                    + threadsOpen + " with " + n + " open streams");
        }
    }

    private static InstanceStatus status(String id, RuntimeStatus rs, JsonNode output, JsonNode customStatus,
                                         Instant created, Instant updated, long historySize) {
        return new InstanceStatus(id, "Hello", "exec-1", rs, Json.toTree("in"), output, customStatus, null, created,
                updated, null, historySize, -1);
    }
}
