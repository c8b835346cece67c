package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Modes throughput and latency: N orchestrations, at most C in flight, each timed from its start to its
 * completion; prints completed orchestrations/s and latency percentiles. Started over HTTP (the start holds its
 * answer until completion) or as Kafka records with completion read from the status topic ({@link KafkaLoad}).
 */
final class ThroughputMode {

    /** Short runs print no progress; longer ones a line every few seconds after this. */
    static final Duration PROGRESS_AFTER = Duration.ofSeconds(10);

    record Result(int completed, int failed, double seconds, Latencies latencies) {
    }

    private ThroughputMode() {
    }

    static void run(BenchmarkOptions options, Target target) throws Exception {
        int count = options.count();
        int concurrency = options.concurrency();
        int warmup = options.warmup();
        String orchestration = options.orchestration();
        String input = options.input();
        boolean viaKafka = options.viaKafka();
        KafkaLoad kafkaLoad = viaKafka
                ? new KafkaLoad(target.settings().bootstrapServers(), new TopicNames(target.settings().taskHub())) : null;
        GatewayClient gateway = viaKafka ? null : target.gateway();
        JsonNode inputJson = Json.MAPPER.readTree(input);
        String runId = Long.toString(System.currentTimeMillis(), 36);
        if (warmup > 0) {
            System.out.println("warm-up: " + warmup + " orchestrations");
            if (viaKafka) {
                kafkaLoad.run(orchestration, inputJson, warmup, Math.min(concurrency, warmup), "bench-" + runId + "-warm-");
            } else {
                overHttp(gateway, orchestration, input, warmup, Math.min(concurrency, warmup));
            }
        }
        System.out.printf("running %d %s orchestrations, %d in flight, started through %s%n", count, orchestration,
                concurrency, viaKafka ? "Kafka records" : "HTTP");
        Result r = viaKafka
                ? kafkaLoad.run(orchestration, inputJson, count, concurrency, "bench-" + runId + "-")
                : overHttp(gateway, orchestration, input, count, concurrency);
        Latencies l = r.latencies();
        System.out.printf("completed: %d of %d (failed %d) in %.2f s%n", r.completed(), count, r.failed(), r.seconds());
        System.out.printf("throughput: %.1f orchestrations/s%n", r.completed() / r.seconds());
        System.out.printf("latency start->completed: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                l.percentile(50), l.percentile(90), l.percentile(99), l.max());
    }

    private static Result overHttp(GatewayClient gateway, String orchestration, String input, int count,
                                   int concurrency) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        long begin = System.nanoTime();
        try (Progress ignored = Progress.start("completed", count, () -> latencies.size() + failed.get(), PROGRESS_AFTER);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                inFlight.acquire();
                pool.submit(() -> {
                    try {
                        long t0 = System.nanoTime();
                        if (gateway.runToCompletion(orchestration, input)) {
                            latencies.add((System.nanoTime() - t0) / 1e6);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Result(latencies.size(), failed.get(), seconds, Latencies.of(List.copyOf(latencies)));
    }
}
