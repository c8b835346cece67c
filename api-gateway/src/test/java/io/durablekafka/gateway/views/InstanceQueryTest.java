package io.durablekafka.gateway.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.nio.file.Path;
import java.time.Duration;
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

/** Paged queries over a view holding 100,000 instances (no Kafka: the store is written directly). */
class InstanceQueryTest {

    private static final int N = 100_000;
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    @TempDir
    static Path dir;
    private static ViewStore store;

    /** ID i: {@code i-%06d}; every 1000th (i % 1000 == 999) Failed, the rest Completed; created T0 + i seconds. */
    @BeforeAll
    static void fill() throws Exception {
        store = ViewStore.open(dir.resolve("db"));
        for (int start = 0; start < N; start += 10_000) {
            try (ViewStore.Batch batch = store.batch()) {
                for (int i = start; i < start + 10_000; i++) {
                    String id = id(i);
                    RuntimeStatus rs = i % 1000 == 999 ? RuntimeStatus.Failed : RuntimeStatus.Completed;
                    InstanceStatus s = new InstanceStatus(id, "Hello", "e", rs, null, null, null, null,
                            T0.plusSeconds(i), T0.plusSeconds(i), null, 1, 5);
                    batch.putInstance(s);
                }
                batch.commit();
            }
        }
        // One pending start (after the status it supersedes) and one instance known only by its pending start.
        try (ViewStore.Batch batch = store.batch()) {
            indexStart(batch, StartOrchestration.of(id(7), "Hello", null), 9);
            indexStart(batch, StartOrchestration.of("i-pending", "Hello", null), 10);
            batch.commit();
        }
    }

    static void indexStart(ViewStore.Batch batch, StartOrchestration start, long offset) throws Exception {
        batch.indexStart(start.instanceId(), 0, offset, start,
                Json.MAPPER.writerFor(OrchestrationMessage.class).writeValueAsBytes(start));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    static String id(int i) {
        return String.format("i-%06d", i);
    }

    private static InstanceQuery all() {
        return new InstanceQuery("", null, null, null);
    }

    @Test
    void aPageVisitsOnlyWhatItNeeds() {
        long t0 = System.nanoTime();
        Page<InstanceView> page = all().page(store, null, 100, 10_000);
        Duration first = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals(100, page.items().size());
        assertEquals(id(0), page.items().getFirst().instanceId());
        assertEquals(id(99), page.resume());
        // Far into the key space: a seek, not a scan of what lies before.
        Page<InstanceView> late = all().page(store, id(N - 150), 100, 10_000);
        assertEquals(id(N - 149), late.items().getFirst().instanceId());
        assertEquals(100, late.items().size());
        // The last page: what is left, and no continuation.
        Page<InstanceView> last = all().page(store, id(N - 3), 100, 10_000);
        assertEquals(List.of(id(N - 2), id(N - 1), "i-pending"), last.items().stream().map(InstanceView::instanceId).toList());
        assertNull(last.resume());
        assertTrue(first.compareTo(Duration.ofSeconds(2)) < 0, "first page took " + first);

        // A sparse filter stops at the scan budget: fewer items (here none) but a continuation after the last
        // visited instance.
        InstanceQuery createdEarly = new InstanceQuery("", null, T0.minusSeconds(1), null);
        Page<InstanceView> sparse = createdEarly.page(store, null, 10, 1000);
        assertTrue(sparse.items().isEmpty());
        assertEquals(id(999), sparse.resume());
        // A status filter visits only the instances with that status (the status index): the Failed ones created
        // late are among the first thousand it visits.
        InstanceQuery failedLate = new InstanceQuery("", T0.plusSeconds(50_000), null, EnumSet.of(RuntimeStatus.Failed));
        Page<InstanceView> failed = failedLate.page(store, null, 10, 1000);
        assertEquals(List.of(id(50_999), id(51_999)), failed.items().stream().limit(2).map(InstanceView::instanceId).toList());
        assertEquals(10, failed.items().size());
        assertEquals(id(59_999), failed.resume());
        // A status no instance has: one seek, no continuation.
        Page<InstanceView> none = new InstanceQuery("", null, null, EnumSet.of(RuntimeStatus.Suspended))
                .page(store, null, 100, 10);
        assertTrue(none.items().isEmpty());
        assertNull(none.resume());

        // A prefix seeks straight to its range.
        InstanceQuery prefix = new InstanceQuery("i-0777", null, null, null);
        Page<InstanceView> p = prefix.page(store, null, 1000, 50);
        assertEquals(50, p.items().size());
        assertEquals(id(77_700), p.items().getFirst().instanceId());
        assertEquals(id(77_749), p.resume());
        Page<InstanceView> rest = prefix.page(store, p.resume(), 1000, 10_000);
        assertEquals(50, rest.items().size());
        assertNull(rest.resume());
    }

    @Test
    void pagingThroughEverythingNeverRepeatsOrSkips() {
        Set<String> seen = new HashSet<>();
        String after = null;
        int pages = 0;
        do {
            Page<InstanceView> page = all().page(store, after, 1000, 10_000);
            for (InstanceView v : page.items()) {
                assertTrue(seen.add(v.instanceId()), "twice: " + v.instanceId());
            }
            after = page.resume();
            pages++;
        } while (after != null);
        assertEquals(N + 1, seen.size());
        assertEquals(101, pages);
        assertEquals(RuntimeStatus.Pending, store.find(id(7)).orElseThrow().runtimeStatus(), "the pending start wins");

        // Filtered by status through the whole key space: pages hold fewer items, every Failed one appears once.
        InstanceQuery failed = new InstanceQuery("", null, null, EnumSet.of(RuntimeStatus.Failed));
        List<String> failures = new ArrayList<>();
        after = null;
        do {
            Page<InstanceView> page = failed.page(store, after, 30, 10_000);
            page.items().forEach(v -> failures.add(v.instanceId()));
            after = page.resume();
        } while (after != null);
        assertEquals(N / 1000, failures.size());
        assertEquals(id(999), failures.getFirst());
        assertEquals(failures.size(), new HashSet<>(failures).size());
    }
}
