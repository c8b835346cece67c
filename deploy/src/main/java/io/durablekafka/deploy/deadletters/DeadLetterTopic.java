package io.durablekafka.deploy.deadletters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads a hub's dead-letter topic without a consumer group (nothing is committed; any number of operators may look
 * at once) and sends replays. Reads {@code read_committed}: the nodes dead-letter inside their transactions, and a
 * record of an aborted one was never dead-lettered.
 */
final class DeadLetterTopic implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String topic;
    private final Properties clientProperties;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private KafkaProducer<byte[], byte[]> producer;

    DeadLetterTopic(String topic, Properties clientProperties) {
        this.topic = topic;
        this.clientProperties = clientProperties;
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "durable-kafka-deadletters");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, TIMEOUT);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw new IllegalStateException("cannot read topic " + topic + ": " + e.getMessage(), e);
        }
        if (infos == null || infos.isEmpty()) {
            consumer.close(Duration.ZERO);
            throw new IllegalArgumentException("there is no topic " + topic + " (is the task hub's name right?)");
        }
        this.partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
        consumer.assign(partitions);
        consumer.pause(partitions);
    }

    /**
     * Up to {@code limit} dead letters in time order: from the given offsets on ({@code from}: partition to offset;
     * a partition it does not name is not read), or, with {@code from} null, the latest {@code limit}.
     */
    List<DeadLetter> list(Map<Integer, Long> from, int limit) {
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
        List<DeadLetter> all = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long b = begin.get(tp);
            long e = end.get(tp);
            if (from != null) {
                if (from.containsKey(tp.partition())) {
                    all.addAll(read(tp, Math.max(b, from.get(tp.partition())), e, limit));
                }
                continue;
            }
            // The latest `limit` of the partition. Transaction markers take offsets too, so a window of `limit`
            // offsets may hold fewer records: widen it until it has enough or reaches the start.
            long window = Math.max(limit, 1);
            List<DeadLetter> tail;
            while (true) {
                long start = Math.max(b, e - window);
                tail = read(tp, start, e, Integer.MAX_VALUE);
                if (tail.size() >= limit || start == b) {
                    break;
                }
                window *= 4;
            }
            all.addAll(tail.subList(Math.max(0, tail.size() - limit), tail.size()));
        }
        all.sort(Comparator.comparingLong(DeadLetter::timestamp).thenComparingInt(DeadLetter::partition)
                .thenComparingLong(DeadLetter::offset));
        return from != null ? all.subList(0, Math.min(limit, all.size()))
                : all.subList(Math.max(0, all.size() - limit), all.size());
    }

    /** Every partition's number, for {@code --from-offset N} without a partition. */
    List<Integer> partitionNumbers() {
        return partitions.stream().map(TopicPartition::partition).toList();
    }

    /** The dead letter at {@code partition:offset}; empty when there is none (out of range, aborted, a marker). */
    Optional<DeadLetter> at(int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        if (!partitions.contains(tp)) {
            return Optional.empty();
        }
        long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
        List<DeadLetter> found = read(tp, offset, Math.min(end, offset + 1), 1);
        return found.stream().filter(d -> d.offset() == offset).findFirst();
    }

    /**
     * The records of {@code tp} in [{@code start}, {@code end}), at most {@code max}. The consumer keeps every
     * partition assigned, paused but for the one being read: assigning anew while a fetch is out makes it warn.
     */
    private List<DeadLetter> read(TopicPartition tp, long start, long end, int max) {
        List<DeadLetter> out = new ArrayList<>();
        if (start >= end) {
            return out;
        }
        consumer.seek(tp, start);
        consumer.resume(List.of(tp));
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(tp, TIMEOUT) < end && out.size() < max) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + tp + " from offset " + start + " to " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.partition() == tp.partition() && r.offset() < end && out.size() < max) {
                        out.add(DeadLetter.of(r));
                    }
                }
            }
        } finally {
            consumer.pause(List.of(tp));
        }
        return out;
    }

    /** Sends a record and waits until Kafka has it. */
    RecordMetadata send(ProducerRecord<byte[], byte[]> record) throws InterruptedException {
        if (producer == null) {
            Properties p = new Properties();
            p.putAll(clientProperties);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "durable-kafka-deadletters-replay");
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }
        try {
            return producer.send(record).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send to " + record.topic() + ": " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    static Map<Integer, Long> offsetsFrom(String spec, List<Integer> partitions) {
        Map<Integer, Long> from = new HashMap<>();
        for (String part : spec.split(",")) {
            String s = part.trim();
            int colon = s.indexOf(':');
            try {
                if (colon < 0) {
                    long o = Long.parseLong(s);
                    partitions.forEach(p -> from.put(p, o));
                } else {
                    from.put(Integer.parseInt(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1)));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--from-offset takes OFFSET (every partition) or PARTITION:OFFSET[,...],"
                        + " not '" + spec + "'");
            }
        }
        return from;
    }
}
