package io.durablekafka.worker;

import static org.junit.jupiter.api.Assertions.fail;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.common.topics.TopicProvisioner;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A fresh task hub on the shared broker, with a producer for task records and readers for what comes out. */
final class TestHub implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);

    final TopicNames topics;
    final String bootstrapServers;
    final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    private final Set<String> queues;

    private TestHub(Set<String> queues, boolean provision) {
        bootstrapServers = SharedKafka.bootstrapServers();
        topics = new TopicNames("WorkerTest-" + RUN + "-" + COUNTER.incrementAndGet());
        this.queues = queues;
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        if (provision) {
            provision();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static TestHub create(String... queues) {
        return new TestHub(queues.length == 0 ? Set.of(TopicNames.DEFAULT_TASK_QUEUE) : Set.of(queues), true);
    }

    /** A hub whose topics do not exist until {@link #provision()}, as before a node's first start. */
    static TestHub createWithoutTopics() {
        return new TestHub(Set.of(TopicNames.DEFAULT_TASK_QUEUE), false);
    }

    /** Creates the hub's topics, as a node does at its first start. */
    void provision() {
        new TopicProvisioner(admin, 2, (short) 1).ensureHub(topics, queues);
    }

    WorkerOptions options(int concurrency, String... queues) {
        return new WorkerOptions(bootstrapServers, topics,
                queues.length == 0 ? Set.of(TopicNames.DEFAULT_TASK_QUEUE) : Set.of(queues), concurrency,
                new Properties());
    }

    ActivityWorker startWorker(FunctionRegistry registry, int concurrency, String... queues) {
        return startWorker(registry, Observability.detached(), concurrency, queues);
    }

    /** A worker reporting its health to {@code observability}. */
    ActivityWorker startWorker(FunctionRegistry registry, Observability observability, int concurrency,
                               String... queues) {
        ActivityWorker worker = new ActivityWorker(options(concurrency, queues), registry, observability);
        worker.start();
        return worker;
    }

    void request(ActivityRequest request) {
        request(TopicNames.DEFAULT_TASK_QUEUE, request);
    }

    void request(String queue, ActivityRequest request) {
        sendRaw(queue, request.instanceId(), Json.toBytes(request));
    }

    /** Sends many requests and waits once for all of them. */
    void requestAll(List<ActivityRequest> requests) {
        for (ActivityRequest r : requests) {
            producer.send(new ProducerRecord<>(topics.tasks(TopicNames.DEFAULT_TASK_QUEUE),
                    r.instanceId().getBytes(StandardCharsets.UTF_8), Json.toBytes(r)));
        }
        producer.flush();
    }

    void sendRaw(String queue, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topics.tasks(queue), key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new AssertionError("cannot send to " + topics.tasks(queue), e);
        }
    }

    /** The first {@code n} records of {@code topic} (all partitions), failing when they are not there in time. */
    List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (records.size() < n) {
                if (System.nanoTime() > deadline) {
                    fail("expected " + n + " records on " + topic + " within " + DEADLINE + " but got " + records.size());
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records.subList(0, n);
        }
    }

    List<OrchestrationMessage> awaitResults(int n) {
        return awaitRecords(topics.orchestrations(), n).stream()
                .map(r -> Json.fromBytes(r.value(), OrchestrationMessage.class))
                .toList();
    }

    /** The committed offsets of a worker group, summed over partitions (0 when it has committed nothing). */
    long committedTotal(String queue) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(topics.workerGroup(queue))
                    .partitionsToOffsetAndMetadata().get();
            return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        io.durablekafka.kafka.Conditions.await(what, DEADLINE, condition);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
