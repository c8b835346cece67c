package io.durablekafka.gateway;

import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A throwaway measurement, not a test (it asserts nothing and is off by default): N instances written to the
 * changelog of a hub on the test broker, a gateway started on it (its views built through Kafka), then list
 * requests over HTTP timed end to end, read barrier included.
 * <pre>
 *   mvn -o test -pl api-gateway -Dtest=HttpListHarness -Ddk.http.harness=100000
 * </pre>
 */
@EnabledIfSystemProperty(named = "dk.http.harness", matches = "\\d+")
class HttpListHarness {

    private static final int RUNS = 300;

    @Test
    void measure() throws Exception {
        int n = Integer.getInteger("dk.http.harness");
        Random random = new Random(11);
        HexFormat hex = HexFormat.of();
        try (HubFixture hub = new HubFixture("httpharness")) {
            Instant t0 = Instant.parse("2024-06-01T00:00:00Z");
            for (int start = 0; start < n; start += 10_000) {
                List<InstanceStatus> chunk = new ArrayList<>(10_000);
                for (int i = start; i < Math.min(n, start + 10_000); i++) {
                    byte[] raw = new byte[16];
                    random.nextBytes(raw);
                    String id = hex.formatHex(raw);
                    RuntimeStatus rs = random.nextInt(10) < 7 ? RuntimeStatus.Completed : RuntimeStatus.Running;
                    Instant created = t0.plusSeconds(random.nextInt(30 * 24 * 3600));
                    chunk.add(new InstanceStatus(id, "ProcessOrder", id, rs,
                            Json.MAPPER.createObjectNode().put("orderId", "order-" + i), rs == RuntimeStatus.Completed
                            ? Json.MAPPER.createObjectNode().put("ok", true) : null, null, null, created, created, null,
                            12, i));
                }
                hub.seedAll(chunk);
            }
            long s0 = System.nanoTime();
            Gateway gw = hub.gateway();
            double startSeconds = (System.nanoTime() - s0) / 1e9;
            System.out.printf("gateway start (views built from the changelog): %,d instances in %.1f s = %,.0f/s%n", n,
                    startSeconds, n / startSeconds);
            String url = HubFixture.instancesUrl(gw);
            time("GET instances?top=100", url + "?top=100");
            time("GET instances?top=100&runtimeStatus=Failed (no match)", url + "?top=100&runtimeStatus=Failed");
            time("GET instances?top=100&runtimeStatus=Running", url + "?top=100&runtimeStatus=Running");
            time("GET instances?top=100&createdTimeFrom=2030-01-01 (no match)", url + "?top=100&createdTimeFrom=2030-01-01");
        }
    }

    private static void time(String what, String url) throws Exception {
        long[] nanos = new long[RUNS];
        int status = 0;
        for (int run = -RUNS / 5; run < RUNS; run++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = HubFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            long took = System.nanoTime() - t0;
            status = r.statusCode();
            if (run >= 0) {
                nanos[run] = took;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("%-70s %d: p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms%n", what, status, nanos[RUNS / 2] / 1e6,
                nanos[(int) (RUNS * 0.95)] / 1e6, nanos[(int) (RUNS * 0.99)] / 1e6);
    }
}
