package io.durablekafka.gateway.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.EntityLockHolder;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each kind of changelog record does to the views (no Kafka: records are applied to a store directly). */
class StateChangelogTest {

    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    private static InstanceState instance(String id, RuntimeStatus status, long inputOffset) {
        return new InstanceState(id, "Hello", "exec-1", status, Json.toTree("in"), null, null, null, T0, T0, 3, null,
                List.of(), List.of(), inputOffset, null, status, 1);
    }

    private static void apply(ViewStore store, byte[] key, byte[] value) throws Exception {
        try (ViewStore.Batch batch = store.batch()) {
            StateChangelog.apply(batch, new ConsumerRecord<>("changelog", 0, 0, key, value));
            batch.commit();
        }
    }

    @Test
    void instancesHistoryAndEntitiesAreKeptTimersAndQueuesSkipped(@TempDir Path dir) throws Exception {
        try (ViewStore store = ViewStore.open(dir.resolve("db"))) {
            apply(store, StoreKeys.instance("a"), StoreCodec.encodeInstance(instance("a", RuntimeStatus.Running, 4)));
            assertEquals(RuntimeStatus.Running, store.find("a").orElseThrow().runtimeStatus());
            assertEquals(4, store.find("a").orElseThrow().status().inputOffset());

            // History: chunks in sequence order, episode markers left out, a tombstone deletes a chunk.
            apply(store, StoreKeys.historyChunk("a", 2), StoreCodec.encodeHistory(new HistoryChunk("a", "exec-1", 2,
                    List.of(new HistoryEvent.OrchestratorStarted(T0), new HistoryEvent.TimerFired(T0, 1, T0)))));
            apply(store, StoreKeys.historyChunk("a", 0), StoreCodec.encodeHistory(new HistoryChunk("a", "exec-1", 0,
                    List.of(new HistoryEvent.OrchestratorStarted(T0), new HistoryEvent.TimerCreated(T0, 1, T0)))));
            apply(store, StoreKeys.historyChunk("ab", 0), StoreCodec.encodeHistory(new HistoryChunk("ab", "exec-1", 0,
                    List.of(new HistoryEvent.TimerCreated(T0, 9, T0)))));
            assertEquals(List.of(1L, 3L), store.history("a").stream().map(HistoryRecord::seq).toList());
            assertTrue(store.history("a").getFirst().event() instanceof HistoryEvent.TimerCreated);
            apply(store, StoreKeys.historyChunk("a", 0), null);
            assertEquals(List.of(3L), store.history("a").stream().map(HistoryRecord::seq).toList());

            // Entities, with the lock holder as the node wrote it; deleted by a tombstone.
            EntityState counter = new EntityState("@counter@x", Json.toTree(5), new EntityLockHolder("a", "exec-1", 7),
                    List.of(), T0, T0.plusSeconds(1), 2, 9, 0);
            apply(store, StoreKeys.entity("@counter@x"), StoreCodec.encodeEntity(counter));
            EntityView entity = store.findEntity("@counter@x").orElseThrow();
            assertEquals(5, entity.state().asInt());
            assertEquals(new EntityLockHolder("a", "exec-1", 7), entity.lockedBy());
            assertEquals("counter", entity.name());
            assertEquals("x", entity.key());
            apply(store, StoreKeys.entity("@counter@x"), null);
            assertTrue(store.findEntity("@counter@x").isEmpty());

            // Timers and entity queues are the nodes' business; unreadable or mis-keyed records change nothing.
            DueItem timer = new DueItem.Timer("a", 1, T0);
            apply(store, timer.key(), StoreCodec.encodeDue(timer));
            apply(store, StoreKeys.queue("@counter@x", 3), "{}".getBytes());
            apply(store, StoreKeys.instance("a"), new byte[]{9, 9, 9});
            apply(store, StoreKeys.instance("b"), StoreCodec.encodeInstance(instance("a", RuntimeStatus.Failed, 5)));
            assertEquals(RuntimeStatus.Running, store.find("a").orElseThrow().runtimeStatus());
            assertTrue(store.find("b").isEmpty());

            // A purge: the instance's tombstone.
            apply(store, StoreKeys.instance("a"), null);
            assertTrue(store.find("a").isEmpty());
        }
    }
}
