package io.durablekafka.deploy;

import io.durablekafka.kafka.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads what the tests' shared broker holds: every committed record of a topic, as a checker sees it. */
final class TopicRecords {

    private TopicRecords() {
    }

    /** Every committed record of {@code topic}, from the beginning to its end at the time of the call. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(topic, new ByteArrayDeserializer());
    }

    /** As {@link #readAll(String)}, with the keys read by {@code keys}. */
    static <K> List<ConsumerRecord<K, byte[]>> readAll(String topic, Deserializer<K> keys) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<K, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<K, byte[]> consumer = new KafkaConsumer<>(config, keys, new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to " + end + " within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Each record as one line: key, value and headers ({@code [dk.error=...]}): how a failure report shows them. */
    static List<String> describe(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> out = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            StringBuilder b = new StringBuilder(text(r.key())).append(' ').append(text(r.value()));
            r.headers().forEach(h -> b.append(" [").append(h.key()).append('=').append(text(h.value())).append(']'));
            out.add(b.toString());
        }
        return out;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }
}
