package io.durablekafka.node;

import io.durablekafka.common.kafka.AdaptiveLingerProducer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;

/**
 * Kafka Streams' clients, with the stream threads' producers lingering only under load
 * ({@link AdaptiveLingerProducer}): an idle node sends each record at once, a busy one sends few, large requests.
 */
final class NodeClientSupplier extends DefaultKafkaClientSupplier {

    /** How long a busy producer holds records. */
    static final Duration HOLD = Duration.ofMillis(2);
    /** Sends per second from which a producer counts as busy (an idle node's few hops are far below). */
    static final double BUSY_RATE = 1000;

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new AdaptiveLingerProducer<>(super.getProducer(config), HOLD, BUSY_RATE);
    }
}
