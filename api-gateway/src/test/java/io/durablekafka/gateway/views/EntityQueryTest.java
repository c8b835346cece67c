package io.durablekafka.gateway.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.StoreCodec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entities and orchestrations in one view (no Kafka): entity pages by name, and instance pages that skip pending
 * starts of entity IDs with one seek instead of visiting them.
 */
class EntityQueryTest {

    private static final int ENTITIES = 20_000;
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    @TempDir
    static Path dir;
    private static ViewStore store;

    /**
     * Orchestrations "0-a", "0-b" (before '@') and "b-0".."b-9" (after), 20,000 counters {@code @counter@%05d}
     * (every 10th without state), two "@countera@" entities, and 2,000 pending starts of '@' IDs (which the nodes
     * refuse, but which an external producer may write).
     */
    @BeforeAll
    static void fill() throws Exception {
        store = ViewStore.open(dir.resolve("db"));
        try (ViewStore.Batch batch = store.batch()) {
            for (String id : List.of("0-a", "0-b", "b-0", "b-1", "b-2", "b-3", "b-4", "b-5", "b-6", "b-7", "b-8", "b-9")) {
                batch.putInstance(new InstanceStatus(id, "Hello", "e", RuntimeStatus.Completed, null, null, null, null,
                        T0, T0, null, 1, 5));
            }
            for (int i = 0; i < ENTITIES; i++) {
                JsonNode state = i % 10 == 9 ? null : Json.toTree(i);
                put(batch, new EntityState(counter(i), state, null, List.of(), T0, T0.plusSeconds(i), 1, 5, 0));
            }
            put(batch, new EntityState("@countera@1", Json.toTree(1), null, List.of(), T0, T0, 1, 5, 0));
            put(batch, new EntityState("@countera@2", Json.toTree(2), null, List.of(), T0, T0, 1, 5, 0));
            for (int i = 0; i < 2_000; i++) {
                InstanceQueryTest.indexStart(batch, StartOrchestration.of(counter(i), "Hello", null), 9);
            }
            batch.commit();
        }
    }

    private static void put(ViewStore.Batch batch, EntityState entity) throws Exception {
        batch.putEntity(entity, StoreCodec.encodeEntity(entity));
    }

    static String counter(int i) {
        return String.format("@counter@%05d", i);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void instancePagesSkipEntityIdsWithASeek() {
        InstanceQuery all = new InstanceQuery("", null, null, null);
        // A scan budget far smaller than the number of pending '@' starts: they are not visited.
        List<String> ids = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Page<InstanceView> page = all.page(store, after, 3, 4);
            page.items().forEach(v -> ids.add(v.instanceId()));
            after = page.resume();
            pages++;
        } while (after != null);
        assertEquals(List.of("0-a", "0-b", "b-0", "b-1", "b-2", "b-3", "b-4", "b-5", "b-6", "b-7", "b-8", "b-9"), ids);
        assertEquals(4, pages);
        Page<InstanceView> one = all.page(store, "0-b", 100, 2);
        assertEquals(List.of("b-0", "b-1"), one.items().stream().map(InstanceView::instanceId).toList());
        assertTrue(new InstanceQuery("@", null, null, null).page(store, null, 10, 10).items().isEmpty());
        // The same through the status index: the '@' starts are indexed as Pending, and skipped with a seek.
        Page<InstanceView> pending = new InstanceQuery("", null, null, EnumSet.of(RuntimeStatus.Pending))
                .page(store, null, 10, 4);
        assertTrue(pending.items().isEmpty());
        assertNull(pending.resume());
        // An entity ID shows its entity through GET instances/{id}, as a status.
        assertEquals(Json.toTree(2), store.find("@countera@2").orElseThrow().status().output());
    }

    @Test
    void entityPagesByNameNeverRepeatOrSkip() {
        EntityQuery counters = new EntityQuery("Counter", null, null);
        assertEquals("@counter@", counters.idPrefix());
        Set<String> seen = new HashSet<>();
        String after = null;
        do {
            Page<EntityView> page = counters.page(store, after, 700, 10_000);
            for (EntityView v : page.items()) {
                assertTrue(seen.add(v.entityId()), "twice: " + v.entityId());
                assertTrue(v.entityId().startsWith("@counter@"));
                assertEquals("counter", v.name());
            }
            after = page.resume();
        } while (after != null);
        assertEquals(ENTITIES - ENTITIES / 10, seen.size(), "every counter with state, once");

        EntityQuery everything = new EntityQuery(null, null, null);
        Page<EntityView> tail = everything.page(store, counter(ENTITIES - 2), 10, 10_000);
        assertEquals(List.of("@countera@1", "@countera@2"), tail.items().stream().map(EntityView::entityId).toList());
        assertNull(tail.resume());

        EntityQuery window = new EntityQuery("counter", T0.plusSeconds(100), T0.plusSeconds(105));
        assertEquals(List.of(counter(100), counter(101), counter(102), counter(103), counter(104), counter(105)),
                window.page(store, null, 100, 100_000).items().stream().map(EntityView::entityId).toList());
    }

    @Test
    void aProtocolIdPrefixNamesLowerCaseEntityNamesAndKeepsTheKeysCase() {
        assertEquals("@counter@Ab", EntityQuery.startingWith("@Counter@Ab", null, null).idPrefix());
        assertEquals("@coun", EntityQuery.startingWith("@Coun", null, null).idPrefix());
        assertEquals("@coun", EntityQuery.startingWith("Coun", null, null).idPrefix());
        assertEquals("@", EntityQuery.startingWith(null, null, null).idPrefix());
        // A name prefix lists both names that start with it, a key prefix only that name's keys.
        assertEquals(List.of("@countera@1", "@countera@2"), EntityQuery.startingWith("@counterA@", null, null)
                .page(store, null, 10, 10_000).items().stream().map(EntityView::entityId).toList());
        assertEquals(List.of("@countera@1"), EntityQuery.startingWith("@countera@1", null, null)
                .page(store, null, 10, 10_000).items().stream().map(EntityView::entityId).toList());
    }
}
