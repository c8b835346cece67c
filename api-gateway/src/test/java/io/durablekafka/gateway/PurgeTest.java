package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.HTTP;
import static io.durablekafka.gateway.HubFixture.delete;
import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.instancesUrl;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.messageOf;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.HubFixture.statusUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.messages.PurgeInstance;
import io.durablekafka.common.status.RuntimeStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** DELETE instances/{id} and DELETE instances?filters, this test playing the node that deletes. */
class PurgeTest {

    @Test
    void purgeOneAnswersOnceTheNodeDeletedItSoAReadRightAfterIs404() throws Exception {
        try (HubFixture hub = new HubFixture("purge")) {
            Gateway gw = hub.gateway(); // the default purge wait: 5 s
            hub.seed("gone", "Hello", RuntimeStatus.Completed, null, null, Instant.now());
            HubFixture.awaitGet(statusUrl(gw, "gone"), x -> x.statusCode() == 200);

            long t0 = System.nanoTime();
            CompletableFuture<HttpResponse<String>> purge = HTTP.sendAsync(HttpRequest.newBuilder(
                    URI.create(instancesUrl(gw) + "/gone")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            ConsumerRecord<String, byte[]> command = hub.awaitInputs("gone", "PurgeInstance", 1).getFirst();
            assertEquals(new PurgeInstance("gone"), messageOf(command));
            hub.tombstone("gone");
            HttpResponse<String> r = purge.get();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, json(r).get("instancesDeleted").asInt());
            assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "answered when the tombstone arrived: " + took);
            assertError(get(statusUrl(gw, "gone")), 404, "InstanceNotFound");
            assertEquals(0, gw.views(hub.topics.taskHub()).notifier().waitingInstances());

            // Unknown, and instances not in a terminal state (Pending start, Running): refused, nothing written.
            assertEquals(202, post(startUrl(gw, "Hello") + "/busy", null).statusCode());
            hub.seed("running", "Hello", RuntimeStatus.Running, null, null, Instant.now());
            HubFixture.awaitGet(statusUrl(gw, "running"), x -> x.statusCode() == 202);
            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            assertError(delete(instancesUrl(gw) + "/nobody"), 404, "InstanceNotFound");
            assertError(delete(instancesUrl(gw) + "/busy"), 412, "InstanceNotEnded");
            assertError(delete(instancesUrl(gw) + "/running"), 412, "InstanceNotEnded");
            assertEquals(before, hub.inputEndOffsets());
        }
    }

    @Test
    void purgeOneIsAcceptedEvenWhenNoNodeAnswersWithinTheWait() throws Exception {
        try (HubFixture hub = new HubFixture("purgeslow")) {
            Gateway gw = hub.gateway(o -> o.withPurgeWait(Duration.ofMillis(300)));
            hub.seed("slow", "Hello", RuntimeStatus.Failed, null, null, Instant.now());
            HubFixture.awaitGet(statusUrl(gw, "slow"), x -> x.statusCode() == 200);
            long t0 = System.nanoTime();
            HttpResponse<String> r = delete(instancesUrl(gw) + "/slow");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(290).toNanos());
            assertEquals(1, hub.allInputs("slow", "PurgeInstance").size());
            assertEquals(0, gw.views(hub.topics.taskHub()).notifier().waitingInstances(), "no waiter left behind");
        }
    }

    @Test
    void purgeManyPurgesTheMatchingTerminalInstances() throws Exception {
        try (HubFixture hub = new HubFixture("purgemany")) {
            Gateway gw = hub.gateway(o -> o.withPurgeWait(Duration.ofMillis(200)));
            Instant old = Instant.parse("2020-05-01T00:00:00Z");
            Instant mid = Instant.parse("2024-06-01T12:00:00Z");
            hub.seed("old-completed", "Hello", RuntimeStatus.Completed, null, null, old);
            hub.seed("new-completed", "Hello", RuntimeStatus.Completed, null, null, mid);
            hub.seed("new-failed", "Hello", RuntimeStatus.Failed, null, null, mid);
            hub.seed("new-terminated", "Hello", RuntimeStatus.Terminated, null, null, mid);
            hub.seed("new-running", "Hello", RuntimeStatus.Running, null, null, mid);
            for (String id : List.of("old-completed", "new-completed", "new-failed", "new-terminated", "new-running")) {
                HubFixture.awaitGet(statusUrl(gw, id), x -> x.statusCode() != 404);
            }

            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            assertError(delete(instancesUrl(gw)), 400, "MissingParameter");
            assertError(delete(instancesUrl(gw) + "?createdTimeFrom=soon"), 400, "InvalidParameter");
            assertError(delete(instancesUrl(gw) + "?createdTimeFrom=2024-01-01T00:00:00Z&runtimeStatus=Bogus"), 400,
                    "InvalidParameter");
            assertError(delete(instancesUrl(gw) + "?createdTimeFrom=2030-01-01T00:00:00Z"), 404, "NoInstancesMatched");
            // Only terminal instances are purged: a filter on Running matches nothing.
            assertError(delete(instancesUrl(gw) + "?createdTimeFrom=2024-01-01T00:00:00Z&runtimeStatus=Running"), 404,
                    "NoInstancesMatched");
            assertEquals(before, hub.inputEndOffsets());

            HttpResponse<String> r = delete(instancesUrl(gw)
                    + "/?createdTimeFrom=2024-01-01T00:00:00Z&createdTimeTo=2024-12-31T00:00:00Z&runtimeStatus=completed,FAILED");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(2, json(r).get("instancesDeleted").asInt());
            assertEquals(1, hub.allInputs("new-completed", "PurgeInstance").size());
            assertEquals(1, hub.allInputs("new-failed", "PurgeInstance").size());
            for (String id : List.of("old-completed", "new-terminated", "new-running")) {
                assertTrue(hub.allInputs(id, "PurgeInstance").isEmpty(), id);
            }

            // The node deletes those two; the rest created since 2024 in a terminal state is one instance.
            hub.tombstone("new-completed");
            hub.tombstone("new-failed");
            HttpResponse<String> rest = delete(instancesUrl(gw) + "?createdTimeFrom=2024-01-01");
            assertEquals(200, rest.statusCode(), rest.body());
            assertEquals(1, json(rest).get("instancesDeleted").asInt());
            assertEquals(1, hub.allInputs("new-terminated", "PurgeInstance").size());
            Set<String> remaining = new TreeSet<>();
            json(get(instancesUrl(gw))).forEach(i -> remaining.add(i.get("instanceId").asText()));
            assertEquals(Set.of("old-completed", "new-terminated", "new-running"), remaining);
        }
    }
}
