package io.durablekafka.gateway.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.gateway.HubFixtureAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The views against a real broker: pending starts, the merge rule, start-up offsets and the reaper. */
class ReadViewsTest {

    @Test
    void pendingStartsMergeWithStatusesAndRejectedStartsAreDropped(@TempDir Path dir) throws Exception {
        try (var hub = HubFixtureAccess.hub("views")) {
            Properties consumer = new Properties();
            consumer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, HubFixtureAccess.bootstrap());
            try (ReadViews views = new ReadViews(hub.topics(), hub.admin(), consumer, dir.resolve("db"), Duration.ofMillis(200))) {
                views.start(Duration.ofSeconds(30));

                // An external producer without the type header: still indexed. Other messages are ignored.
                RecordMetadata ghost = hub.produceInput(StartOrchestration.of("ghost", "Hello", Json.toTree(1)), false);
                hub.produceInput(new RaiseEvent("other", "e", null), true);
                RecordMetadata real = hub.produceInput(StartOrchestration.of("real", "Hello", Json.toTree(2)), true);
                views.findConsistent("ghost", Duration.ofSeconds(10));
                assertTrue(views.awaitConsumed(new TopicPartition(real.topic(), real.partition()), real.offset(), Duration.ofSeconds(10)));

                InstanceView pending = views.find("ghost").orElseThrow();
                assertTrue(pending.isPendingStart());
                assertEquals(RuntimeStatus.Pending, pending.runtimeStatus());
                assertEquals("Hello", pending.status().name());
                assertEquals(1, pending.status().input().asInt());
                assertTrue(views.find("other").isEmpty());

                // The node takes "real": its status (inputOffset = the start's offset) replaces the pending start.
                StartOrchestration realStart = StartOrchestration.of("real", "Hello", Json.toTree(2));
                hub.writeInstance(io.durablekafka.gateway.HubFixtureAccess.status(realStart, real.offset(), RuntimeStatus.Running));
                awaitTrue("status of real", () -> views.find("real").map(v -> !v.isPendingStart()).orElse(false));
                List<String> ids = new ArrayList<>();
                views.store().forEachInstance("", java.util.Set.of(), null, v -> ids.add(v.id() + ":" + v.runtimeStatus()));
                assertEquals(List.of("ghost:Pending", "real:Running"), ids);

                // The nodes committed past "ghost" without a status for it (rejected): the reaper drops it.
                Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>();
                for (RecordMetadata m : List.of(ghost, real)) {
                    committed.merge(new TopicPartition(m.topic(), m.partition()), new OffsetAndMetadata(m.offset() + 1),
                            (a, b) -> a.offset() >= b.offset() ? a : b);
                }
                hub.admin().alterConsumerGroupOffsets(hub.topics().nodeApplicationId(), committed).all().get();
                awaitTrue("ghost dropped", () -> views.find("ghost").isEmpty());
                assertEquals(RuntimeStatus.Running, views.find("real").orElseThrow().runtimeStatus());
                assertFalse(views.store().hasPendingStarts());
            }

            // A fresh view starts reading orchestrations at the nodes' committed offsets: nothing pending.
            try (ReadViews views = new ReadViews(hub.topics(), hub.admin(), consumer, dir.resolve("db2"), Duration.ZERO)) {
                views.start(Duration.ofSeconds(30));
                assertTrue(views.find("ghost").isEmpty());
                assertEquals(RuntimeStatus.Running, views.find("real").orElseThrow().runtimeStatus());
                assertFalse(views.store().hasPendingStarts());
                assertNull(views.find("real").orElseThrow().pending());
            }
        }
    }

    @Test
    void aRestartResumesTheKeptViewsAndStillAppliesWhatChangedMeanwhile(@TempDir Path dir) throws Exception {
        try (var hub = HubFixtureAccess.hub("resume")) {
            Properties consumer = new Properties();
            consumer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, HubFixtureAccess.bootstrap());
            StartOrchestration a = StartOrchestration.of("a", "Hello", null);
            StartOrchestration b = StartOrchestration.of("b", "Hello", null);
            try (ReadViews views = new ReadViews(hub.topics(), hub.admin(), consumer, dir.resolve("db"), Duration.ZERO)) {
                views.start(Duration.ofSeconds(30));
                assertFalse(views.resumed());
                hub.writeInstance(HubFixtureAccess.status(a, 0, RuntimeStatus.Completed));
                awaitTrue("a in the view", () -> views.find("a").isPresent());
            }
            // While no gateway runs: a is purged (a tombstone), b starts.
            hub.tombstone("a");
            hub.writeInstance(HubFixtureAccess.status(b, 0, RuntimeStatus.Running));

            try (ReadViews views = new ReadViews(hub.topics(), hub.admin(), consumer, dir.resolve("db"), Duration.ZERO)) {
                views.start(Duration.ofSeconds(30));
                assertTrue(views.resumed());
                // Only what came after the kept views: the tombstone of a and the record of b.
                assertEquals(2, views.recordsApplied());
                assertTrue(views.find("a").isEmpty());
                assertEquals(RuntimeStatus.Running, views.find("b").orElseThrow().runtimeStatus());
                List<String> ids = new ArrayList<>();
                views.store().forEachInstance("", java.util.Set.of(), null, v -> ids.add(v.id()));
                assertEquals(List.of("b"), ids);

                // Kept views older than the changelog's tombstone retention, or past a partition's end (the topic was
                // recreated), are rebuilt instead.
                Map<TopicPartition, Long> kept = views.positions().snapshot();
                long now = System.currentTimeMillis();
                assertNull(views.resumeRefusal(new ViewStore.Saved(kept, now), 10_000_000_000L));
                assertTrue(views.resumeRefusal(new ViewStore.Saved(kept, now - Duration.ofDays(2).toMillis()),
                        10_000_000_000L).contains("keeps tombstones"));
                Map<TopicPartition, Long> past = new java.util.HashMap<>(kept);
                past.replaceAll((tp, offset) -> offset + 1_000);
                assertTrue(views.resumeRefusal(new ViewStore.Saved(past, now), 10_000_000_000L).contains("outside"));
            }
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        io.durablekafka.kafka.Conditions.await(what, Duration.ofSeconds(20), condition);
    }
}
