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
 *
 * <p>With {@code --entity-signals N} it measures entities instead: it sends N {@code add} signals to a few
 * {@code Counter} entities ({@code --entity-counters}, default 4) straight to the hub's orchestrations topic from
 * {@code --entity-senders} threads (default 4), reads the counters' states from the status topic and prints
 * signals/s until all are applied. Against a running cluster it needs {@code --bootstrap-servers} and
 * {@code --task-hub}.
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
        int entitySignals = Integer.parseInt(options.getOrDefault("entity-signals", "0"));
        boolean kafkaOnly = viaKafka || entitySignals > 0;
        KafkaCluster kafka = null;
        LocalCluster cluster = null;
        try {
            Settings settings = Main.settingsWith(options);
            if (url == null && (!kafkaOnly || settings.find(Settings.BOOTSTRAP_SERVERS).isEmpty())) {
                Main.quietKafkaInThisProcess();
                // The node of this throw-away cluster keeps its state in a temporary directory on purpose; Kafka
                // Streams warns about state directories under java.io.tmpdir.
                Main.setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka.streams.processor.internals.StateDirectory",
                        "error");
                kafka = KafkaCluster.resolve(null);
                settings = settings.with(Settings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                        .with(Settings.TASK_HUB, "bench" + System.currentTimeMillis());
                cluster = LocalCluster.start(settings, FunctionRegistry.discover(), 0, null);
                url = cluster.baseUrl();
                System.out.println("started embedded cluster at " + url + " (Kafka " + kafka.mode() + ")");
            }
            if (entitySignals > 0) {
                if (settings.find(Settings.BOOTSTRAP_SERVERS).isEmpty()) {
                    throw new IllegalArgumentException("--entity-signals against a running cluster needs --bootstrap-servers and --task-hub");
                }
                EntitySignals.run(settings, entitySignals, Integer.parseInt(options.getOrDefault("entity-counters", "4")),
                        Integer.parseInt(options.getOrDefault("entity-senders", "4")));
                return;
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

    /** The entity benchmark: add signals straight to Kafka, applied state read back from the status topic. */
    static final class EntitySignals {

        private EntitySignals() {
        }

        static void run(Settings settings, int signals, int counters, int senders) throws Exception {
            var topics = new io.durablekafka.common.topics.TopicNames(settings.taskHub());
            java.util.Properties pp = new java.util.Properties();
            pp.putAll(settings.kafkaClientOverrides());
            pp.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
            pp.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
            pp.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, 2);
            java.util.Properties cp = new java.util.Properties();
            cp.putAll(settings.kafkaClientOverrides());
            cp.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
            cp.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            cp.put(org.apache.kafka.clients.consumer.ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(pp,
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
                 var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(cp,
                         new org.apache.kafka.common.serialization.StringDeserializer(),
                         new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(topics.status()).forEach(i ->
                        partitions.add(new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())));
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // fix the start before anything is sent

                int warmup = Math.min(1000, Math.max(counters, signals / 10));
                System.out.printf("warm-up: %d entity signals%n", warmup);
                measure(producer, consumer, topics, "warmup", warmup, counters, senders);
                System.out.printf("sending %d add signals to %d counters from %d threads%n", signals, counters, senders);
                Result r = measure(producer, consumer, topics, "run", signals, counters, senders);
                System.out.printf("sent: %d signals in %.2f s (%.0f/s)%n", signals, r.sendSeconds, signals / r.sendSeconds);
                System.out.printf("applied: %d signals in %.2f s from the first send%n", signals, r.appliedSeconds);
                System.out.printf("throughput: %.0f entity signals/s%n", signals / r.appliedSeconds);
                System.out.printf("batching: %d status records, %.1f operations per batch%n", r.statusRecords,
                        r.statusRecords == 0 ? 0.0 : (double) signals / r.statusRecords);
            }
        }

        private record Result(double sendSeconds, double appliedSeconds, int statusRecords) {
        }

        private static Result measure(org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer,
                                      org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer,
                                      io.durablekafka.common.topics.TopicNames topics, String run, int signals,
                                      int counters, int senders) throws Exception {
            String prefix = "bench-" + run + "-" + Long.toString(System.currentTimeMillis(), 36);
            List<String> ids = new ArrayList<>();
            for (int c = 0; c < counters; c++) {
                ids.add("@counter@" + prefix + "-" + c);
            }
            long[] expected = new long[counters];
            for (int i = 0; i < signals; i++) {
                expected[i % counters]++;
            }
            long begin = System.nanoTime();
            java.util.concurrent.atomic.AtomicLong sendsDone = new java.util.concurrent.atomic.AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < senders; t++) {
                int sender = t;
                threads.add(Thread.ofPlatform().name("entity-sender-" + t).start(() -> {
                    for (int i = sender; i < signals; i += senders) {
                        String id = ids.get(i % counters);
                        var message = io.durablekafka.common.messages.SignalEntity.of(id, "add", Json.toTree(1));
                        var record = new org.apache.kafka.clients.producer.ProducerRecord<>(topics.orchestrations(), id,
                                Json.toBytes(message));
                        io.durablekafka.common.messages.MessageHeaders.setType(record.headers(), "SignalEntity");
                        producer.send(record);
                    }
                    producer.flush();
                }));
            }
            Thread waiter = Thread.ofPlatform().start(() -> {
                for (Thread t : threads) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                sendsDone.set(System.nanoTime());
            });
            java.util.Map<String, Long> applied = new java.util.HashMap<>();
            int statusRecords = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            int done = 0;
            while (done < counters) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("signals not applied within 10 minutes: " + applied);
                }
                for (var r : consumer.poll(Duration.ofMillis(50))) {
                    int index = ids.indexOf(r.key());
                    if (index < 0 || r.value() == null) {
                        continue;
                    }
                    statusRecords++;
                    long value = Json.MAPPER.readTree(r.value()).path("output").asLong();
                    applied.put(r.key(), value);
                }
                done = 0;
                for (int c = 0; c < counters; c++) {
                    if (applied.getOrDefault(ids.get(c), 0L) >= expected[c]) {
                        done++;
                    }
                }
            }
            long end = System.nanoTime();
            waiter.join();
            for (int c = 0; c < counters; c++) {
                if (applied.get(ids.get(c)) != expected[c]) {
                    throw new IllegalStateException("counter " + ids.get(c) + " is " + applied.get(ids.get(c))
                            + ", expected " + expected[c]);
                }
            }
            return new Result((sendsDone.get() - begin) / 1e9, (end - begin) / 1e9, statusRecords);
        }
    }
}
