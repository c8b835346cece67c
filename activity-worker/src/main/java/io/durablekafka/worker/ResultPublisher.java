package io.durablekafka.worker;

import io.durablekafka.common.kafka.AdaptiveLingerProducer;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.topics.DeadLetters;
import io.durablekafka.common.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes activity results to the orchestrations topic and unreadable task records to the dead-letter topic,
 * with one idempotent producer shared by all queues of a worker.
 */
public final class ResultPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultPublisher.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Producer<byte[], byte[]> producer;
    private final TopicNames topics;

    public ResultPublisher(WorkerOptions options) {
        // A busy worker reports many results per request; an idle one each result at once.
        this.producer = new AdaptiveLingerProducer<>(
                new KafkaProducer<>(producerConfig(options), new ByteArraySerializer(), new ByteArraySerializer()),
                Duration.ofMillis(2), 1000);
        this.topics = options.topics();
    }

    static Properties producerConfig(WorkerOptions options) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        // No linger, one request in flight: an idle worker reports a result at once, a busy one sends what queued
        // up while the previous request was out, in one request.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.putAll(options.kafkaOverrides());
        // Results must not be lost or reordered by producer retries, whatever the overrides say.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    /**
     * Sends the {@code result} of {@code request} and waits for the broker's acknowledgement, retrying failed
     * sends while {@code stillWanted} says so. A result too large for the topic is replaced by a
     * {@link FailTask} saying so: retrying it can never succeed and the orchestration would wait forever.
     *
     * @return true once acknowledged, false if given up
     */
    public boolean deliver(ActivityRequest request, OrchestrationMessage result, BooleanSupplier stillWanted)
            throws InterruptedException {
        return deliver(request, result, null, stillWanted);
    }

    /** As above, with the trace headers of {@code trace} on the result (null: none). */
    public boolean deliver(ActivityRequest request, OrchestrationMessage result, TraceContext trace,
                           BooleanSupplier stillWanted)
            throws InterruptedException {
        OrchestrationMessage toSend = result;
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            byte[] value = Json.toBytes(toSend);
            Throwable failure;
            try {
                send(toSend, value, trace).get();
                return true;
            } catch (ExecutionException e) {
                failure = e.getCause();
                if (failure instanceof RecordTooLargeException && toSend == result) {
                    LOG.warn("result of task {} of instance {} is too large ({} bytes); reporting a failure instead",
                            request.taskId(), request.instanceId(), value.length);
                    toSend = tooLarge(request, value.length, failure);
                    continue;
                }
            } catch (IllegalStateException e) {
                LOG.debug("producer closed; result of task {} of instance {} not sent", request.taskId(),
                        request.instanceId());
                return false;
            } catch (KafkaException e) {
                failure = e;
            }
            if (!stillWanted.getAsBoolean()) {
                return false;
            }
            LOG.warn("cannot send result of task {} of instance {}, retrying in {} ms: {}", request.taskId(),
                    request.instanceId(), backoff.toMillis(), String.valueOf(failure));
            Thread.sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Copies an unreadable record to the dead-letter topic, key, value and headers untouched. */
    public Future<RecordMetadata> deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        return producer.send(new ProducerRecord<>(topics.deadLetter(), null, record.key(), record.value(),
                DeadLetters.headers(record.headers(), reason, record.topic(), record.partition(), record.offset())));
    }

    private Future<RecordMetadata> send(OrchestrationMessage message, byte[] value, TraceContext trace) {
        var record = new ProducerRecord<>(topics.orchestrations(),
                message.instanceId().getBytes(StandardCharsets.UTF_8), value);
        MessageHeaders.setType(record.headers(), MessageHeaders.typeOf(message));
        TraceHeaders.write(record.headers(), trace);
        return producer.send(record);
    }

    private static FailTask tooLarge(ActivityRequest request, int size, Throwable cause) {
        return new FailTask(request.instanceId(), request.executionId(), request.taskId(),
                FailureDetails.of(RecordTooLargeException.class.getName(), "the result of activity '"
                        + request.name() + "' (" + size + " bytes of JSON) is larger than Kafka accepts: "
                        + cause.getMessage()));
    }

    /** Waits for sends under way (up to {@code timeout}) and closes the producer. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
