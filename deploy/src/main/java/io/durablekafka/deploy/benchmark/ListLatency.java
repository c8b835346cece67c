package io.durablekafka.deploy.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * List latency: GET instances one request at a time, the first page of everything ({@code top=100}) and a
 * {@code runtimeStatus} filter that matches nothing. A page may come back short or empty with a continuation
 * token (the API allows it), so the filtered query follows tokens to the end: its time is what a client waits
 * to learn that nothing matches.
 */
final class ListLatency {

    private static final String FIRST_PAGE = "top=100";
    private static final String MATCHES_NOTHING = "top=100&runtimeStatus=Failed";
    private static final double TARGET_FIRST_PAGE_P50_MS = 20;
    private static final double TARGET_MATCHES_NOTHING_P50_MS = 100;
    private static final int WARMUP_REQUESTS = 20;
    /** Each query kind stops after this long even if fewer than the requested samples were taken. */
    private static final Duration BUDGET = Duration.ofSeconds(60);

    private record Sample(Latencies latencies, long instancesSeen, long pages, boolean cutShort) {
    }

    private ListLatency() {
    }

    static void measure(GatewayClient gateway, int requests) throws Exception {
        System.out.printf("list latency: GET instances, one request at a time, %d per query after %d not counted%n",
                requests, WARMUP_REQUESTS);
        Sample page = sample(gateway, FIRST_PAGE, false, requests);
        print(FIRST_PAGE, page, String.format("%.1f instances per answer", page.instancesSeen() / (double) page.latencies().count()),
                TARGET_FIRST_PAGE_P50_MS);
        Sample none = sample(gateway, MATCHES_NOTHING, true, requests);
        print(MATCHES_NOTHING, none, String.format("%,d matched, %.1f pages per query",
                none.instancesSeen(), none.pages() / (double) none.latencies().count()), TARGET_MATCHES_NOTHING_P50_MS);
        if (none.instancesSeen() > 0) {
            System.out.println("  note: the filter matched instances, so it measured more than an empty answer");
        }
    }

    private static void print(String query, Sample s, String detail, double targetP50) {
        Latencies l = s.latencies();
        System.out.printf("  %-30s p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d queries, %s%s)   target p50 <= %.0f ms at 1,000,000 instances%n",
                query + ":", l.percentile(50), l.percentile(99), l.max(), l.count(), detail,
                s.cutShort() ? ", stopped at " + BUDGET.toSeconds() + " s" : "", targetP50);
    }

    private static Sample sample(GatewayClient gateway, String query, boolean toTheEnd, int requests) throws Exception {
        for (int i = 0; i < WARMUP_REQUESTS; i++) {
            query(gateway, query, toTheEnd);
        }
        List<Double> ms = new ArrayList<>();
        long instances = 0;
        long pages = 0;
        long stopAt = System.nanoTime() + BUDGET.toNanos();
        boolean cutShort = false;
        for (int i = 0; i < requests; i++) {
            if (System.nanoTime() > stopAt) {
                cutShort = true;
                break;
            }
            long t0 = System.nanoTime();
            long[] seen = query(gateway, query, toTheEnd);
            ms.add((System.nanoTime() - t0) / 1e6);
            instances += seen[0];
            pages += seen[1];
        }
        return new Sample(Latencies.of(ms), instances, pages, cutShort);
    }

    /** One query; returns {instances, pages}. */
    private static long[] query(GatewayClient gateway, String query, boolean toTheEnd) throws Exception {
        long instances = 0;
        long pages = 0;
        String token = null;
        do {
            GatewayClient.ListPage page = gateway.list(query, token);
            instances += page.instances();
            pages++;
            token = toTheEnd ? page.continuationToken() : null;
        } while (token != null);
        return new long[]{instances, pages};
    }
}
