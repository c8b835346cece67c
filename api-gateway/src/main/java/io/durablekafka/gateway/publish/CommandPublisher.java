package io.durablekafka.gateway.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.common.tracing.TraceHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes commands ({@link OrchestrationMessage}s) to the {@code orchestrations} topic, keyed by instance ID,
 * with the {@link MessageHeaders#TYPE} header, through an idempotent producer ({@code acks=all}), and waits
 * for the broker's acknowledgement: once {@link #publish} returns, every reader sees the record.
 */
public final class CommandPublisher implements AutoCloseable {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    /**
     * @param producerConfig base properties (bootstrap servers, security); the delivery guarantees are
     *                       always set here
     */
    public CommandPublisher(Properties producerConfig, String topic, String clientId) {
        this.topic = topic;
        Properties props = new Properties();
        props.putAll(producerConfig);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(DELIVERY_TIMEOUT.toMillis()));
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public String topic() {
        return topic;
    }

    /** Sends the message and returns the acknowledged record's partition and offset. */
    public RecordMetadata publish(OrchestrationMessage message) throws PublishException, InterruptedException {
        return publish(message, null);
    }

    /** As {@link #publish(OrchestrationMessage)}, with the trace headers of {@code trace} (null: none). */
    public RecordMetadata publish(OrchestrationMessage message, TraceContext trace)
            throws PublishException, InterruptedException {
        try {
            return producer.send(record(message, trace)).get(DELIVERY_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failed(message, e);
        } catch (KafkaException e) {
            throw new PublishException("cannot send the " + MessageHeaders.typeOf(message) + " for instance '"
                    + message.instanceId() + "': " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge the " + MessageHeaders.typeOf(message)
                    + " for instance '" + message.instanceId() + "' in time", e);
        }
    }

    /**
     * Sends all messages at once (pipelined) and waits for every acknowledgement, returned in order. Each
     * record is ordered after the earlier ones of the same instance; when one fails the others may still
     * have been written.
     */
    public List<RecordMetadata> publishAll(List<? extends OrchestrationMessage> messages)
            throws PublishException, InterruptedException {
        return publishAll(messages, null);
    }

    /** As {@link #publishAll(List)}, every record with the trace headers of {@code trace} (null: none). */
    public List<RecordMetadata> publishAll(List<? extends OrchestrationMessage> messages, TraceContext trace)
            throws PublishException, InterruptedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(messages.size());
        try {
            for (OrchestrationMessage m : messages) {
                sent.add(producer.send(record(m, trace)));
            }
        } catch (KafkaException e) {
            throw new PublishException("cannot send the commands: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
        List<RecordMetadata> acks = new ArrayList<>(messages.size());
        for (int i = 0; i < sent.size(); i++) {
            try {
                acks.add(sent.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                throw failed(messages.get(i), e);
            } catch (TimeoutException e) {
                throw new PublishException("Kafka did not acknowledge the commands in time", e);
            }
        }
        return acks;
    }

    private ProducerRecord<String, byte[]> record(OrchestrationMessage message, TraceContext trace) {
        byte[] value;
        try {
            value = Json.MAPPER.writerFor(OrchestrationMessage.class).writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + message.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, message.instanceId(), value);
        MessageHeaders.setType(record.headers(), MessageHeaders.typeOf(message));
        TraceHeaders.write(record.headers(), trace);
        return record;
    }

    private static PublishException failed(OrchestrationMessage message, ExecutionException e) {
        return new PublishException("Kafka did not accept the " + MessageHeaders.typeOf(message) + " for instance '"
                + message.instanceId() + "': " + e.getCause().getMessage(), e.getCause());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
