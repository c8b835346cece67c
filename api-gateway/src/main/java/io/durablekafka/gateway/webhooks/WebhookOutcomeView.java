package io.durablekafka.gateway.webhooks;

import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.common.webhooks.WebhookOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest callback outcome of each instance, read from the compacted {@link TopicNames#webhookOutcomes()} from
 * its beginning (every partition, no consumer group), in memory: one small record per instance that had a callback.
 */
public final class WebhookOutcomeView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutcomeView.class);
    private static final Duration TOPIC_RECHECK = Duration.ofSeconds(2);

    private final TopicNames topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ConcurrentHashMap<String, WebhookOutcome> outcomes = new ConcurrentHashMap<>();
    private Thread thread;
    private volatile boolean running;

    public WebhookOutcomeView(TopicNames topics, Properties clientConfig) {
        this.topics = topics;
        Properties c = new Properties();
        c.putAll(clientConfig);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "dk-webhook-outcomes-" + topics.taskHub() + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8));
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public synchronized WebhookOutcomeView start() {
        running = true;
        thread = Thread.ofPlatform().name("dk-webhook-outcomes-" + topics.taskHub()).daemon().start(this::run);
        return this;
    }

    public Optional<WebhookOutcome> find(String instanceId) {
        return Optional.ofNullable(outcomes.get(instanceId));
    }

    private void run() {
        try {
            // The topic appears when a node (or a gateway) of this release provisions the hub.
            while (running && consumer.assignment().isEmpty()) {
                List<PartitionInfo> partitions = consumer.partitionsFor(topics.webhookOutcomes(), Duration.ofSeconds(5));
                if (partitions == null || partitions.isEmpty()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(TOPIC_RECHECK.toNanos());
                    continue;
                }
                var assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(assigned);
                consumer.seekToBeginning(assigned);
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.warn("the webhook outcome view of hub {} stopped: {}", topics.taskHub(), e.toString());
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            outcomes.remove(r.key());
            return;
        }
        try {
            outcomes.put(r.key(), Json.MAPPER.readValue(r.value(), WebhookOutcome.class));
        } catch (java.io.IOException e) {
            LOG.debug("skipping an unreadable webhook outcome at {}-{}@{}", r.topic(), r.partition(), r.offset());
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t == null) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        java.util.concurrent.locks.LockSupport.unpark(t); // it may be waiting for the topic to appear
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
