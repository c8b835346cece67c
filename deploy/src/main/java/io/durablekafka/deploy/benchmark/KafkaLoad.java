package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.topics.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives orchestrations the way an external producer does: starts are records on the orchestrations topic,
 * completion is read from the status topic. Measures the engine without the HTTP layer.
 */
final class KafkaLoad {

    /** What a time-bounded run saw in its measured window (completions inside it, their latencies). */
    record Window(int completed, int failed, double seconds, Latencies latencies, int started) {
    }

    /** How often the warm-up of {@link #runFor} prints its rate. */
    static final Duration WARMUP_REPORT = Duration.ofSeconds(15);

    private final String bootstrapServers;
    private final TopicNames topics;

    KafkaLoad(String bootstrapServers, TopicNames topics) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
    }

    /** Runs {@code count} orchestrations with at most {@code concurrency} in flight; returns latencies in ms. */
    ThroughputMode.Result run(String orchestration, JsonNode input, int count, int concurrency, String idPrefix) throws Exception {
        try (Session s = new Session(concurrency, count)) {
            long begin = System.nanoTime();
            try (Progress ignored = Progress.start("completed", count, s::done, ThroughputMode.PROGRESS_AFTER)) {
                for (int i = 0; i < count; i++) {
                    s.start(orchestration, input, idPrefix + i);
                }
                s.awaitAll(Duration.ofMinutes(5));
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            return new ThroughputMode.Result(s.latencies.size(), s.failed.get() + s.startedAt.size(), seconds,
                    Latencies.of(List.copyOf(s.latencies)));
        }
    }

    /**
     * Keeps {@code concurrency} orchestrations in flight for {@code warmup} and then {@code window}; only
     * completions inside the window count. {@code atWindowStart} and {@code atWindowEnd} run at its edges (CPU
     * readings), on this thread, while the load goes on. What is still in flight at the end is abandoned.
     */
    Window runFor(String orchestration, JsonNode input, int concurrency, String idPrefix, Duration warmup,
                  Duration window, Runnable atWindowStart, Runnable atWindowEnd) throws Exception {
        try (Session s = new Session(concurrency, Long.MAX_VALUE)) {
            long begin = System.nanoTime();
            long windowStart = begin + warmup.toNanos();
            long windowEnd = windowStart + window.toNanos();
            boolean inWindow = false;
            int before = 0;
            int failedBefore = 0;
            int i = 0;
            // The warm-up's rate, printed as it goes: whether it had settled when the window opened is for the
            // reader to see (fresh JVMs on a small machine take minutes to compile their hot code).
            long nextReport = begin + WARMUP_REPORT.toNanos();
            int reported = 0;
            while (true) {
                long now = System.nanoTime();
                if (!inWindow && now >= nextReport && nextReport < windowStart) {
                    int done = s.latencies.size();
                    System.out.printf("  warm-up, %3d s: %.1f orch/s over the last %d s%n",
                            (nextReport - begin) / 1_000_000_000L,
                            (done - reported) / (double) WARMUP_REPORT.toSeconds(), WARMUP_REPORT.toSeconds());
                    reported = done;
                    nextReport += WARMUP_REPORT.toNanos();
                }
                if (!inWindow && now >= windowStart) {
                    inWindow = true;
                    before = s.latencies.size();
                    failedBefore = s.failed.get();
                    s.windowStart = now;
                    atWindowStart.run();
                }
                if (now >= windowEnd) {
                    break;
                }
                long until = inWindow ? windowEnd : Math.min(windowStart, nextReport);
                if (s.inFlight.tryAcquire(until - now, TimeUnit.NANOSECONDS)) {
                    s.startAcquired(orchestration, input, idPrefix + i++);
                }
            }
            int completed = s.latencies.size() - before;
            int failed = s.failed.get() - failedBefore;
            atWindowEnd.run();
            double seconds = (System.nanoTime() - s.windowStart) / 1e9;
            List<Double> inside;
            synchronized (s.latencies) {
                inside = List.copyOf(s.windowLatencies);
            }
            return new Window(completed, failed, seconds, Latencies.of(inside), i);
        }
    }

    /** A producer of starts and a reader of the status topic that times each started instance to its end. */
    private final class Session implements AutoCloseable {
        final Map<String, Long> startedAt = new ConcurrentHashMap<>();
        final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        /** Latencies of the instances that ended after {@link #windowStart} (guarded by {@link #latencies}). */
        final List<Double> windowLatencies = new ArrayList<>();
        final AtomicInteger failed = new AtomicInteger();
        final Semaphore inFlight;
        final KafkaProducer<String, byte[]> producer;
        final KafkaConsumer<String, byte[]> consumer;
        final Thread watcher;
        volatile long windowStart = Long.MAX_VALUE;
        volatile boolean stopping;
        /** The watcher stops after this many endings. */
        final long target;

        Session(int concurrency, long target) {
            this.target = target;
            inFlight = new Semaphore(concurrency);
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            pp.put(ProducerConfig.LINGER_MS_CONFIG, 1);
            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
            producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
            consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topics.status()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            watcher = Thread.ofPlatform().name("benchmark-status").start(this::watch);
        }

        /** Reads endings until {@code target} instances ended or the session closes; closes the consumer. */
        private void watch() {
            try {
                while (!stopping && done() < target) {
                    watchOnce();
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        private void watchOnce() {
            for (var record : consumer.poll(Duration.ofMillis(50))) {
                Long t0 = record.value() == null ? null : startedAt.get(record.key());
                if (t0 == null) {
                    continue;
                }
                RuntimeStatus status = Json.fromBytes(record.value(), InstanceStatus.class).runtimeStatus();
                if (status.isTerminal() && startedAt.remove(record.key()) != null) {
                    long now = System.nanoTime();
                    if (status == RuntimeStatus.Completed) {
                        double ms = (now - t0) / 1e6;
                        synchronized (latencies) {
                            latencies.add(ms);
                            if (now >= windowStart) {
                                windowLatencies.add(ms);
                            }
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                    inFlight.release();
                }
            }
        }

        long done() {
            return latencies.size() + failed.get();
        }

        void start(String orchestration, JsonNode input, String id) throws InterruptedException {
            inFlight.acquire();
            startAcquired(orchestration, input, id);
        }

        void startAcquired(String orchestration, JsonNode input, String id) {
            var record = new ProducerRecord<String, byte[]>(topics.orchestrations(), id,
                    Json.toBytes(StartOrchestration.of(id, orchestration, input)));
            MessageHeaders.setType(record.headers(), "StartOrchestration");
            startedAt.put(id, System.nanoTime());
            producer.send(record);
        }

        /** Waits until {@code count} started instances ended (the watcher then stops), or the timeout. */
        void awaitAll(Duration timeout) throws InterruptedException {
            producer.flush();
            watcher.join(timeout.toMillis());
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            consumer.wakeup();
            watcher.join(Duration.ofSeconds(10).toMillis());
            producer.close(Duration.ofSeconds(5));
        }
    }
}
