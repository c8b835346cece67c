package io.durablekafka.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.kafka.KafkaCluster;
import io.durablekafka.sdk.FunctionRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load harness: starts N orchestrations through the HTTP API, at most C in flight, polls each to completion
 * and prints completed orchestrations/s and start-to-completed latency percentiles. Without {@code --url} it
 * starts an embedded broker and a local cluster in this process first.
 */
public final class Benchmark {

    private Benchmark() {
    }

    static void run(Map<String, String> options) throws Exception {
        int count = Integer.parseInt(options.getOrDefault("count", "2000"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "200"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", String.valueOf(Math.min(200, count))));
        String orchestration = options.getOrDefault("orchestration", "HelloSequence5");
        String input = options.getOrDefault("input", "null");
        String url = options.get("url");
        boolean viaKafka = "kafka".equals(options.getOrDefault("via", "http"));
        KafkaCluster kafka = null;
        LocalCluster cluster = null;
        try {
            Settings settings = Main.settingsWith(options);
            if (url == null && (!viaKafka || settings.find(Settings.BOOTSTRAP_SERVERS).isEmpty())) {
                kafka = KafkaCluster.resolve(null);
                settings = settings.with(Settings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                        .with(Settings.TASK_HUB, "bench" + System.currentTimeMillis());
                cluster = LocalCluster.start(settings, FunctionRegistry.discover(), 0, null);
                url = cluster.baseUrl();
                System.out.println("started embedded cluster at " + url + " (Kafka " + kafka.mode() + ")");
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            KafkaLoad kafkaLoad = viaKafka ? new KafkaLoad(settings.bootstrapServers(), new TopicNames(settings.taskHub())) : null;
            JsonNode inputJson = Json.MAPPER.readTree(input);
            String runId = Long.toString(System.currentTimeMillis(), 36);
            if (warmup > 0) {
                System.out.println("warm-up: " + warmup + " orchestrations");
                if (viaKafka) {
                    kafkaLoad.run(orchestration, inputJson, warmup, Math.min(concurrency, warmup), "bench-" + runId + "-warm-");
                } else {
                    measure(http, url, orchestration, input, warmup, Math.min(concurrency, warmup));
                }
            }
            System.out.printf("running %d %s orchestrations, %d in flight, started through %s%n", count, orchestration,
                    concurrency, viaKafka ? "Kafka records" : "HTTP");
            Result r = viaKafka
                    ? kafkaLoad.run(orchestration, inputJson, count, concurrency, "bench-" + runId + "-")
                    : measure(http, url, orchestration, input, count, concurrency);
            System.out.printf("completed: %d of %d (failed %d) in %.2f s%n", r.completed, count, r.failed, r.seconds);
            System.out.printf("throughput: %.1f orchestrations/s%n", r.completed / r.seconds);
            System.out.printf("latency start->completed: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    r.percentile(50), r.percentile(90), r.percentile(99), r.percentile(100));
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    record Result(int completed, int failed, double seconds, List<Double> latenciesMs) {
        double percentile(int p) {
            if (latenciesMs.isEmpty()) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latenciesMs.size()) - 1;
            return latenciesMs.get(Math.max(0, Math.min(latenciesMs.size() - 1, i)));
        }
    }

    private static Result measure(HttpClient http, String url, String orchestration, String input, int count,
                                  int concurrency) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        long begin = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                inFlight.acquire();
                pool.submit(() -> {
                    try {
                        long t0 = System.nanoTime();
                        if (runOne(http, url, orchestration, input)) {
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
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(sorted.size(), failed.get(), seconds, sorted);
    }

    /**
     * Starts one orchestration and waits for it: the start asks the gateway to hold the answer until the
     * instance completes ({@code timeout}), so no polling load distorts the figures; on a 202 (still running
     * after the timeout) it falls back to polling the status URL.
     */
    private static boolean runOne(HttpClient http, String url, String orchestration, String input) throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(
                        URI.create(url + "/runtime/webhooks/durabletask/orchestrators/" + orchestration
                                + "?timeout=120&pollingInterval=1"))
                .POST(HttpRequest.BodyPublishers.ofString(input)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() == 200) {
            return true;
        }
        if (started.statusCode() != 202) {
            return false;
        }
        String statusUrl = Json.MAPPER.readTree(started.body()).path("statusQueryGetUri").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long pause = 1;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(statusUrl)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (status.statusCode() == 200) {
                JsonNode body = Json.MAPPER.readTree(status.body());
                return "Completed".equals(body.path("runtimeStatus").asText());
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 50);
        }
        return false;
    }
}
