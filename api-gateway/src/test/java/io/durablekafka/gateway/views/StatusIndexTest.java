package io.durablekafka.gateway.views;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status index stays in step with what clients see: after random sequences of statuses, purges, pending starts
 * (older and newer than the status) and dropped starts, walking the index for any set of statuses gives exactly the
 * instances the full walk shows with those statuses, with the same created times.
 */
class StatusIndexTest {

    private static final RuntimeStatus[] STATUSES = RuntimeStatus.values();
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    @Test
    void walkingTheIndexEqualsFilteringEverything(@TempDir Path dir) throws Exception {
        Random random = new Random(42);
        try (ViewStore store = ViewStore.open(dir.resolve("db"))) {
            for (int round = 0; round < 300; round++) {
                try (ViewStore.Batch batch = store.batch()) {
                    // Several changes per batch: later ones must see earlier ones of the same batch.
                    for (int n = 1 + random.nextInt(8); n > 0; n--) {
                        change(store, batch, random);
                    }
                    batch.commit();
                }
                List<String> everything = shown(store, Set.of());
                for (RuntimeStatus s : STATUSES) {
                    assertEquals(everything.stream().filter(e -> e.contains(":" + s + ":")).toList(),
                            shown(store, EnumSet.of(s)), "round " + round + ", " + s);
                }
                Set<RuntimeStatus> some = EnumSet.of(STATUSES[random.nextInt(STATUSES.length)],
                        STATUSES[random.nextInt(STATUSES.length)], RuntimeStatus.Pending);
                assertEquals(everything.stream().filter(e -> some.stream().anyMatch(s -> e.contains(":" + s + ":"))).toList(),
                        shown(store, some), "round " + round + ", " + some);
            }
        }
    }

    private static void change(ViewStore store, ViewStore.Batch batch, Random random) throws Exception {
        String id = "id-" + random.nextInt(20);
        Instant created = T0.plusSeconds(random.nextInt(5));
        switch (random.nextInt(5)) {
            case 0, 1 -> batch.putInstance(new InstanceStatus(id, "Hello", "e", STATUSES[random.nextInt(STATUSES.length)],
                    null, null, null, null, created, created, null, 1, random.nextInt(20)));
            case 2 -> batch.deleteInstance(id);
            case 3 -> InstanceQueryTest.indexStart(batch,
                    new StartOrchestration(id, "Hello", null, null, null, created), random.nextInt(20));
            default -> {
                PendingStart p = store.pendingStarts().stream().filter(s -> s.instanceId().equals(id)).findFirst()
                        .orElse(null);
                batch.dropPending(id, p != null && random.nextBoolean() ? p.offset() : random.nextInt(20));
            }
        }
    }

    /** {@code id:status:createdTime} of the instances a walk visits, as listed and as decoded (they must agree). */
    private static List<String> shown(ViewStore store, Set<RuntimeStatus> statuses) {
        List<String> shown = new ArrayList<>();
        store.forEachInstance("", statuses, null, listed -> {
            InstanceView view = listed.view();
            assertEquals(view.runtimeStatus(), listed.runtimeStatus(), listed.id());
            assertEquals(view.status().createdTime(), listed.createdTime(), listed.id());
            shown.add(listed.id() + ":" + listed.runtimeStatus() + ":" + listed.createdTime());
            return true;
        });
        return shown;
    }
}
