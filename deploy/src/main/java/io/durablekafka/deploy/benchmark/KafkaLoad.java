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

    private final String bootstrapServers;
    private final TopicNames topics;

    KafkaLoad(String bootstrapServers, TopicNames topics) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
    }

    /** Runs {@code count} orchestrations with at most {@code concurrency} in flight; returns latencies in ms. */
    ThroughputMode.Result run(String orchestration, JsonNode input, int count, int concurrency, String idPrefix) throws Exception {
        Map<String, Long> startedAt = new ConcurrentHashMap<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        Semaphore inFlight = new Semaphore(concurrency);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        try (var producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
             var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.status()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Thread watcher = Thread.ofPlatform().name("benchmark-status").start(() -> {
                while (latencies.size() + failed.get() < count && !Thread.currentThread().isInterrupted()) {
                    for (var record : consumer.poll(Duration.ofMillis(50))) {
                        Long t0 = record.value() == null ? null : startedAt.get(record.key());
                        if (t0 == null) {
                            continue;
                        }
                        RuntimeStatus status = Json.fromBytes(record.value(), InstanceStatus.class).runtimeStatus();
                        if (status.isTerminal() && startedAt.remove(record.key()) != null) {
                            if (status == RuntimeStatus.Completed) {
                                latencies.add((System.nanoTime() - t0) / 1e6);
                            } else {
                                failed.incrementAndGet();
                            }
                            inFlight.release();
                        }
                    }
                }
            });
            long begin = System.nanoTime();
            try (Progress ignored = Progress.start("completed", count, () -> latencies.size() + failed.get(),
                    ThroughputMode.PROGRESS_AFTER)) {
                for (int i = 0; i < count; i++) {
                    inFlight.acquire();
                    String id = idPrefix + i;
                    var record = new ProducerRecord<String, byte[]>(topics.orchestrations(), id,
                            Json.toBytes(StartOrchestration.of(id, orchestration, input)));
                    MessageHeaders.setType(record.headers(), "StartOrchestration");
                    startedAt.put(id, System.nanoTime());
                    producer.send(record);
                }
                producer.flush();
                watcher.join(Duration.ofMinutes(5).toMillis());
                watcher.interrupt();
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            return new ThroughputMode.Result(latencies.size(), failed.get() + startedAt.size(), seconds,
                    Latencies.of(List.copyOf(latencies)));
        }
    }
}
