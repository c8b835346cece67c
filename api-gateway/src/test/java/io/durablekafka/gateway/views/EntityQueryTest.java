package io.durablekafka.gateway.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entities and orchestrations in one view (no Kafka): entity pages by name, and instance pages that skip the
 * entities' key range with one seek instead of visiting them.
 */
class EntityQueryTest {

    private static final int ENTITIES = 20_000;
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    @TempDir
    static Path dir;
    private static ViewStore store;

    /**
     * Orchestrations "0-a", "0-b" (before '@') and "b-0".."b-9" (after), 20,000 counters {@code @counter@%05d}
     * (every 10th without state), two "@countera@" entities, and a pending start of an '@' ID.
     */
    @BeforeAll
    static void fill() throws Exception {
        store = ViewStore.open(dir.resolve("db"));
        try (ViewStore.Batch batch = store.batch()) {
            for (String id : List.of("0-a", "0-b", "b-0", "b-1", "b-2", "b-3", "b-4", "b-5", "b-6", "b-7", "b-8", "b-9")) {
                put(batch, new InstanceStatus(id, "Hello", "e", RuntimeStatus.Completed, null, null, null, null, T0, T0,
                        null, 1, 5));
            }
            for (int i = 0; i < ENTITIES; i++) {
                JsonNode state = i % 10 == 9 ? null : Json.toTree(i);
                put(batch, new InstanceStatus(counter(i), "counter", null, RuntimeStatus.Running, null, state, null,
                        null, T0, T0.plusSeconds(i), null, 0, 5));
            }
            put(batch, new InstanceStatus("@countera@1", "countera", null, RuntimeStatus.Running, null, Json.toTree(1),
                    null, null, T0, T0, null, 0, 5));
            put(batch, new InstanceStatus("@countera@2", "countera", null, RuntimeStatus.Running, null, Json.toTree(2),
                    null, null, T0, T0, null, 0, 5));
            batch.indexStart("@counter@zzz", 0, 9, Json.MAPPER.writerFor(OrchestrationMessage.class)
                    .writeValueAsBytes(StartOrchestration.of("@counter@zzz", "Hello", null)));
            batch.commit();
        }
    }

    private static void put(ViewStore.Batch batch, InstanceStatus s) throws Exception {
        batch.putStatus(s.instanceId(), 5, Json.toBytes(s));
    }

    static String counter(int i) {
        return String.format("@counter@%05d", i);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void instancePagesSkipEntitiesWithASeek() {
        InstanceQuery all = new InstanceQuery("", null, null, null, false);
        // A scan budget far smaller than the number of entities: they are not visited.
        List<String> ids = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            InstanceQuery.Page page = all.page(store, after, 3, 4);
            page.items().forEach(v -> ids.add(v.instanceId()));
            after = page.resume();
            pages++;
        } while (after != null);
        assertEquals(List.of("0-a", "0-b", "b-0", "b-1", "b-2", "b-3", "b-4", "b-5", "b-6", "b-7", "b-8", "b-9"), ids);
        assertEquals(4, pages);
        InstanceQuery.Page one = all.page(store, "0-b", 100, 2);
        assertEquals(List.of("b-0", "b-1"), one.items().stream().map(InstanceView::instanceId).toList());
        assertTrue(new InstanceQuery("@", null, null, null, false).page(store, null, 10, 10).items().isEmpty());
    }

    @Test
    void entityPagesByNameNeverRepeatOrSkip() {
        EntityQuery counters = new EntityQuery("Counter", null, null);
        assertEquals("@counter@", counters.idPrefix());
        Set<String> seen = new HashSet<>();
        String after = null;
        do {
            InstanceQuery.Page page = counters.page(store, after, 700, 10_000);
            for (InstanceView v : page.items()) {
                assertTrue(seen.add(v.instanceId()), "twice: " + v.instanceId());
                assertTrue(v.instanceId().startsWith("@counter@"));
            }
            after = page.resume();
        } while (after != null);
        assertEquals(ENTITIES - ENTITIES / 10, seen.size(), "every counter with state, once; no pending start");

        EntityQuery everything = new EntityQuery(null, null, null);
        InstanceQuery.Page tail = everything.page(store, counter(ENTITIES - 2), 10, 10_000);
        assertEquals(List.of("@countera@1", "@countera@2"), tail.items().stream().map(InstanceView::instanceId).toList());
        assertNull(tail.resume());

        EntityQuery window = new EntityQuery("counter", T0.plusSeconds(100), T0.plusSeconds(105));
        assertEquals(List.of(counter(100), counter(101), counter(102), counter(103), counter(104), counter(105)),
                window.page(store, null, 100, 100_000).items().stream().map(InstanceView::instanceId).toList());
    }
}
