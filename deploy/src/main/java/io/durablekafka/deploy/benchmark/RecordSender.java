package io.durablekafka.deploy.benchmark;

import io.durablekafka.common.config.Settings;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes messages to the hub's orchestrations topic as an external producer would, as fast as Kafka takes them:
 * idempotent (a retry never duplicates or reorders), acks=all, large batches with a short linger.
 */
final class RecordSender implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    RecordSender(Settings settings) {
        Properties pp = new Properties();
        pp.putAll(settings.kafkaClientOverrides());
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
        topic = new TopicNames(settings.taskHub()).orchestrations();
    }

    /** Sends without waiting; a failure surfaces in {@link #flush()}. */
    void send(OrchestrationMessage message) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, message.instanceId(), Json.toBytes(message));
        MessageHeaders.setType(record.headers(), MessageHeaders.typeOf(message));
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acknowledged.incrementAndGet();
            }
        });
    }

    long acknowledged() {
        return acknowledged.get();
    }

    /** Waits until everything sent is acknowledged. */
    void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("sending to " + topic + " failed", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
