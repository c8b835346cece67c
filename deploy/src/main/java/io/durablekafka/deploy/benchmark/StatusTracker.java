package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.topics.TopicNames;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The latest runtime status of each of N instances {@code <prefix>0 .. <prefix>N-1}, read from the status topic
 * from the moment it is created. Only the latest status per instance counts, so a node that writes a status
 * record on every step and one that writes only on transitions look the same.
 *
 * <p>It shares the JVM (and so the heap figure) with an embedded cluster: a byte per instance, no per-instance
 * objects, and only {@code runtimeStatus} is parsed from each record.
 */
final class StatusTracker implements AutoCloseable {

    private static final RuntimeStatus[] STATUSES = RuntimeStatus.values();

    private final String prefix;
    /** Per instance: 0 while no status was seen, else the ordinal of the latest status + 1. */
    private final byte[] latest;
    private final AtomicLongArray counts = new AtomicLongArray(STATUSES.length);
    /** Per status partition, the instance whose record turned Running last (-1: none yet). */
    private final int[] lastRunning;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean closing;

    StatusTracker(Settings settings, String prefix, int instances) {
        this.prefix = prefix;
        this.latest = new byte[instances];
        Properties cp = new Properties();
        cp.putAll(settings.kafkaClientOverrides());
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(new TopicNames(settings.taskHub()).status()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        lastRunning = new int[partitions.size()];
        Arrays.fill(lastRunning, -1);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start before anything is sent
        thread = Thread.ofPlatform().daemon().name("benchmark-status").start(this::pollLoop);
    }

    private void pollLoop() {
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    apply(r);
                }
            }
        } catch (Throwable t) {
            if (!closing) {
                failure.set(t);
            }
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) throws IOException {
        String key = r.key();
        if (r.value() == null || key == null || !key.startsWith(prefix)) {
            return;
        }
        int index;
        try {
            index = Integer.parseInt(key, prefix.length(), key.length(), 10);
        } catch (NumberFormatException e) {
            return;
        }
        if (index < 0 || index >= latest.length) {
            return;
        }
        RuntimeStatus status = runtimeStatus(r.value());
        if (status == null) {
            return;
        }
        // Before the counts: a reader that sees the count that completes a phase sees this too.
        if (status == RuntimeStatus.Running && r.partition() < lastRunning.length) {
            lastRunning[r.partition()] = index;
        }
        int before = latest[index];
        int now = status.ordinal() + 1;
        if (before != now) {
            latest[index] = (byte) now;
            if (before != 0) {
                counts.decrementAndGet(before - 1);
            }
            counts.incrementAndGet(now - 1);
        }
    }

    /** Reads {@code runtimeStatus} and stops: it comes early in an InstanceStatus, before input and output. */
    private static RuntimeStatus runtimeStatus(byte[] value) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("runtimeStatus".equals(field)) {
                    return t == JsonToken.VALUE_STRING ? RuntimeStatus.parse(p.getText()) : null;
                }
                p.skipChildren();
            }
            return null;
        }
    }

    /** Instances whose latest status is {@code status}. */
    long count(RuntimeStatus status) {
        checkAlive();
        return counts.get(status.ordinal());
    }

    /** Instances that reached Running or a later status. */
    long runningOrLater() {
        checkAlive();
        long n = 0;
        for (RuntimeStatus s : STATUSES) {
            if (s != RuntimeStatus.Pending) {
                n += counts.get(s.ordinal());
            }
        }
        return n;
    }

    /** Instances in a terminal status other than Completed. */
    long failed() {
        return count(RuntimeStatus.Failed) + count(RuntimeStatus.Terminated) + count(RuntimeStatus.Canceled);
    }

    /** Per status partition, the instance ID whose record turned Running last: the latest a gateway view must show. */
    List<String> lastRunningPerPartition() {
        return Arrays.stream(lastRunning).filter(i -> i >= 0).mapToObj(i -> prefix + i).toList();
    }

    private void checkAlive() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("reading the status topic failed", t);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        consumer.wakeup();
        thread.join();
    }
}
