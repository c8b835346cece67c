package io.durablekafka.gateway.views;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import io.durablekafka.gateway.api.StatusRenderer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A throwaway measurement, not a test (it asserts nothing and is off by default): fills a view with N synthetic
 * instances through the tailer's path (changelog records, batches of 2,000) and times list queries.
 * <pre>
 *   mvn -o test -pl api-gateway -Dtest=ViewScaleHarness -Ddk.views.harness=1000000
 * </pre>
 * or with {@link #main} on the test class path (to choose JVM options, e.g. a profiler).
 */
@EnabledIfSystemProperty(named = "dk.views.harness", matches = "\\d+")
class ViewScaleHarness {

    private static final int BATCH = 2_000;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int RUNS = 300;
    private static final Instant T0 = Instant.parse("2024-06-01T00:00:00Z");
    private static final String[] NAMES = {"ProcessOrder", "HelloCities", "Approval", "FanOutFanIn", "Monitor"};

    public static void main(String[] args) throws Exception {
        System.setProperty("dk.views.harness", args.length > 0 ? args[0] : "1000000");
        Path dir = Files.createTempDirectory("dk-views-harness");
        try {
            new ViewScaleHarness().measure(dir);
        } finally {
            ViewStore.deleteRecursively(dir);
        }
    }

    @Test
    void measure(@TempDir Path dir) throws Exception {
        int n = Integer.getInteger("dk.views.harness");
        Random random = new Random(7);
        HexFormat hex = HexFormat.of();
        String[] ids = new String[n];
        try (ViewStore store = ViewStore.open(dir.resolve("db"))) {
            long ingestNanos = 0;
            long ingestCpuNanos = 0;
            long decodeNanos = 0;
            long encodeNanos = 0;
            for (int start = 0; start < n; start += BATCH) {
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(BATCH);
                for (int i = start; i < Math.min(n, start + BATCH); i++) {
                    byte[] raw = new byte[16];
                    random.nextBytes(raw);
                    ids[i] = hex.formatHex(raw);
                    InstanceState state = instance(ids[i], i, random);
                    records.add(new ConsumerRecord<>("changelog", 0, i, StoreKeys.instance(ids[i]),
                            StoreCodec.encodeInstance(state)));
                }
                if (Boolean.getBoolean("dk.views.harness.codec")) {
                    long c0 = CPU.getCurrentThreadCpuTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        StoreCodec.decodeInstance(r.value()).toStatus();
                    }
                    long c1 = CPU.getCurrentThreadCpuTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        StoredInstance.encode(StoreCodec.decodeInstance(r.value()).toStatus());
                    }
                    decodeNanos += c1 - c0;
                    encodeNanos += CPU.getCurrentThreadCpuTime() - c1 - (c1 - c0);
                }
                long t0 = System.nanoTime();
                long c0 = CPU.getCurrentThreadCpuTime();
                try (ViewStore.Batch batch = store.batch()) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        StateChangelog.apply(batch, r);
                    }
                    batch.commit();
                }
                ingestCpuNanos += CPU.getCurrentThreadCpuTime() - c0;
                ingestNanos += System.nanoTime() - t0;
            }
            System.out.printf("ingest: %,d instances in %.1f s = %,.0f instances/s (%.1f us each); the thread's CPU "
                    + "time: %.1f s = %,.0f instances/s%n", n, ingestNanos / 1e9, n / (ingestNanos / 1e9),
                    ingestNanos / 1e3 / n, ingestCpuNanos / 1e9, n / (ingestCpuNanos / 1e9));
            if (decodeNanos > 0) {
                System.out.printf("of which (CPU) decoding the node's record: ~%.1f us, encoding the view's: ~%.1f us%n",
                        decodeNanos / 1e3 / n, encodeNanos / 1e3 / n);
            }
            store.flush();
            System.out.printf("disk after flush: %,d MB%n", size(dir) >> 20);
            store.compact();
            System.out.printf("disk after compaction: %,d MB%n", size(dir) >> 20);

            Instant never = Instant.parse("2030-01-01T00:00:00Z");
            time("top=100, no filter", store, r -> new InstanceQuery("", null, null, null), ids, random, true);
            time("top=100, runtimeStatus=Failed (no match)", store,
                    r -> new InstanceQuery("", null, null, EnumSet.of(RuntimeStatus.Failed)), ids, random, false);
            time("top=100, runtimeStatus=Failed,Canceled (no match), from a token", store,
                    r -> new InstanceQuery("", null, null, EnumSet.of(RuntimeStatus.Failed, RuntimeStatus.Canceled)),
                    ids, random, true);
            time("top=100, runtimeStatus=Running,Suspended (~25%)", store,
                    r -> new InstanceQuery("", null, null, EnumSet.of(RuntimeStatus.Running, RuntimeStatus.Suspended)),
                    ids, random, true);
            time("top=100, runtimeStatus=Suspended (~5%)", store,
                    r -> new InstanceQuery("", null, null, EnumSet.of(RuntimeStatus.Suspended)), ids, random, true);
            time("top=100, createdTimeFrom=2030 (no match: 10,000 visits)", store,
                    r -> new InstanceQuery("", never, null, null), ids, random, true);
            time("top=100, runtimeStatus=Completed&createdTimeFrom=2030 (no match: 10,000 index visits)", store,
                    r -> new InstanceQuery("", never, null, EnumSet.of(RuntimeStatus.Completed)), ids, random, true);
            time("top=100, instanceIdPrefix=<2 hex digits>", store,
                    r -> new InstanceQuery(hex.toHexDigits((byte) r), null, null, null), ids, random, false);
            long[] finds = new long[RUNS * 10];
            long[] findsCpu = new long[RUNS * 10];
            for (int i = 0; i < finds.length; i++) {
                String id = ids[random.nextInt(n)];
                long t0 = System.nanoTime();
                long c0 = CPU.getCurrentThreadCpuTime();
                store.find(id).orElseThrow();
                findsCpu[i] = CPU.getCurrentThreadCpuTime() - c0;
                finds[i] = System.nanoTime() - t0;
            }
            report("find(id)", finds, findsCpu);
        }
    }

    private static InstanceState instance(String id, int i, Random random) {
        int pick = random.nextInt(100);
        RuntimeStatus status = pick < 70 ? RuntimeStatus.Completed : pick < 90 ? RuntimeStatus.Running
                : pick < 95 ? RuntimeStatus.Suspended : RuntimeStatus.Terminated;
        Instant created = T0.plusMillis(random.nextInt(30 * 24 * 3600) * 1000L + random.nextInt(1000));
        var input = Json.MAPPER.createObjectNode().put("orderId", "order-" + i).put("amount", random.nextInt(10_000));
        var output = status == RuntimeStatus.Completed
                ? Json.MAPPER.createObjectNode().put("ok", true).put("total", random.nextInt(10_000)) : null;
        return new InstanceState(id, NAMES[i % NAMES.length], id.substring(0, 16) + "0000000000000000", status, input,
                output, null, null, created, created.plusMillis(1 + random.nextInt(5000)), 12, null, List.of(), List.of(),
                i, null, status, 7);
    }

    /** Times a first page (or, with {@code fromToken}, a page after a random instance) of each query, rendered. */
    private static void time(String what, ViewStore store, IntFunction<InstanceQuery> query, String[] ids, Random random,
                             boolean fromToken) throws Exception {
        long[] nanos = new long[RUNS];
        long[] cpu = new long[RUNS];
        int items = 0;
        for (int run = -RUNS / 5; run < RUNS; run++) {
            InstanceQuery q = query.apply(random.nextInt(256));
            String after = fromToken ? ids[random.nextInt(ids.length)] : null;
            long t0 = System.nanoTime();
            long c0 = CPU.getCurrentThreadCpuTime();
            Page<InstanceView> page = q.page(store, after, 100, 10_000);
            ArrayNode body = Json.MAPPER.createArrayNode();
            for (InstanceView v : page.items()) {
                body.add(StatusRenderer.render(v.status(), true, null));
            }
            byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
            long took = System.nanoTime() - t0;
            long tookCpu = CPU.getCurrentThreadCpuTime() - c0;
            if (run >= 0) {
                nanos[run] = took;
                cpu[run] = tookCpu;
                items += page.items().size() + (bytes.length == 0 ? 1 : 0);
            }
        }
        report(what + String.format(" [%.0f items/page]", items / (double) RUNS), nanos, cpu);
    }

    /** Wall-clock percentiles, and those of the thread's CPU time (what a query costs on a machine not shared). */
    private static void report(String what, long[] nanos, long[] cpuNanos) {
        long[] wall = nanos.clone();
        long[] cpu = cpuNanos.clone();
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf("%-92s wall p50 %6.2f p95 %6.2f p99 %6.2f ms | cpu p50 %6.2f p95 %6.2f ms%n", what,
                at(wall, 0.5), at(wall, 0.95), at(wall, 0.99), at(cpu, 0.5), at(cpu, 0.95));
    }

    private static double at(long[] sorted, double quantile) {
        return sorted[(int) (sorted.length * quantile)] / 1e6;
    }

    private static long size(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

}
