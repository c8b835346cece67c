package io.durablekafka.gateway.views;

import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the views: a single {@code read_committed} consumer, manually assigned every
 * partition of the nodes' state changelog (from the beginning) and of {@code orchestrations} (from the given start
 * offsets, the node group's committed offsets). Each poll's records go to the store in one atomic batch; then the
 * consumer positions are published to {@link ViewPositions}.
 */
final class ViewTailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ViewTailer.class);
    private static final String START_TYPE = "StartOrchestration";
    private static final Duration POLL = Duration.ofMillis(200);

    private final TopicNames topics;
    private final ViewStore store;
    private final ViewPositions positions;
    private final InstanceNotifier notifier;
    /** Instance IDs touched by the batch being built, to wake their waiters once it is committed. */
    private final Set<String> touched = new HashSet<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> assignment;
    private final Map<TopicPartition, Long> orchestrationsStart;
    /** Where a kept store left off (every partition), or empty for a rebuild. */
    private final Map<TopicPartition, Long> resumeFrom;
    private final Queue<PendingStart> drops = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    /** Records polled and applied since the start (what a resume saved). */
    private volatile long applied;

    ViewTailer(Properties consumerConfig, TopicNames topics, Map<String, Integer> partitionCounts,
               Map<TopicPartition, Long> orchestrationsStart, Map<TopicPartition, Long> resumeFrom, ViewStore store,
               ViewPositions positions, InstanceNotifier notifier) {
        this.topics = topics;
        this.store = store;
        this.positions = positions;
        this.notifier = notifier;
        this.orchestrationsStart = Map.copyOf(orchestrationsStart);
        this.resumeFrom = Map.copyOf(resumeFrom);
        Properties props = new Properties();
        props.putAll(consumerConfig);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "dk-gateway-views-" + topics.taskHub());
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        for (String topic : List.of(topics.orchestrations(), topics.nodeStateChangelog())) {
            for (int p = 0; p < partitionCounts.get(topic); p++) {
                tps.add(new TopicPartition(topic, p));
            }
        }
        this.assignment = List.copyOf(tps);
        this.thread = new Thread(this::run, "dk-gateway-views-" + topics.taskHub());
        this.thread.setDaemon(true);
    }

    void start() {
        started = true;
        thread.start();
    }

    /** Asks the tailer to drop these pending starts (if still the ones stored): the nodes rejected them. */
    void requestDrops(List<PendingStart> rejected) {
        drops.addAll(rejected);
    }

    private void run() {
        try {
            consumer.assign(assignment);
            List<TopicPartition> fromBeginning = new ArrayList<>();
            for (TopicPartition tp : assignment) {
                Long committed = tp.topic().equals(topics.orchestrations()) ? orchestrationsStart.get(tp) : null;
                Long kept = resumeFrom.get(tp);
                // Starts before the nodes' committed offset are reflected in the changelog (read from its kept
                // position): a resume after a long stop need not index them as pending first.
                Long start = kept;
                if (start == null || committed != null && committed > start) {
                    start = committed;
                }
                if (start != null) {
                    consumer.seek(tp, start);
                } else {
                    fromBeginning.add(tp);
                }
            }
            if (!fromBeginning.isEmpty()) {
                // An empty collection would mean every assigned partition (all of them when resuming).
                consumer.seekToBeginning(fromBeginning);
            }
            while (running) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    Map<TopicPartition, Long> now = currentPositions();
                    apply(records, now);
                    applyDrops();
                    positions.advance(now);
                } catch (WakeupException | InterruptException e) {
                    if (running) {
                        throw e;
                    }
                } catch (KafkaException e) {
                    if (!running) {
                        break;
                    }
                    LOG.warn("view consumer of hub {} failed, retrying: {}", topics.taskHub(), e.toString());
                    sleepQuietly(1000);
                }
            }
            saveFinalPositions();
        } catch (Throwable t) {
            if (running) {
                LOG.error("the views of hub {} stopped: {}", topics.taskHub(), t.toString(), t);
                positions.fail(t);
                notifier.fail(t);
            }
        } finally {
            try {
                consumer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("closing the view consumer", e);
            }
        }
    }

    /** What the store reflects at a clean stop, saved so that a restart soon after can resume from there. */
    private void saveFinalPositions() {
        Map<TopicPartition, Long> last = positions.snapshot();
        if (last.keySet().containsAll(assignment)) {
            try {
                store.savePositions(last);
            } catch (RocksDBException | RuntimeException e) {
                LOG.debug("saving the views' positions at stop failed", e);
            }
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> after) throws RocksDBException {
        if (records.isEmpty()) {
            return;
        }
        try (ViewStore.Batch batch = store.batch()) {
            if (after.keySet().containsAll(assignment)) {
                // In the batch that applies the records before them: a kept store never claims more than it holds.
                batch.savePositions(after);
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.topic().equals(topics.orchestrations())) {
                    applyInput(batch, r);
                } else {
                    String changed = StateChangelog.apply(batch, r);
                    if (changed != null) {
                        touched.add(changed);
                    }
                }
            }
            batch.commit();
        }
        applied += records.count();
        notifyTouched();
    }

    long applied() {
        return applied;
    }

    private void notifyTouched() {
        if (!touched.isEmpty()) {
            notifier.changed(touched);
            touched.clear();
        }
    }

    private void applyInput(ViewStore.Batch batch, ConsumerRecord<byte[], byte[]> r) throws RocksDBException {
        String type = MessageHeaders.type(r.headers());
        if (type != null && !type.equals(START_TYPE) || r.value() == null) {
            return;
        }
        OrchestrationMessage message;
        try {
            message = Json.MAPPER.readValue(r.value(), OrchestrationMessage.class);
        } catch (IOException e) {
            LOG.debug("ignoring unreadable input {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        if (!(message instanceof StartOrchestration start)) {
            return;
        }
        String id = r.key() != null ? new String(r.key(), StandardCharsets.UTF_8) : start.instanceId();
        if (id == null) {
            return;
        }
        batch.indexStart(id, r.partition(), r.offset(), start, r.value());
        touched.add(id);
    }

    private void applyDrops() throws RocksDBException {
        if (drops.isEmpty()) {
            return;
        }
        try (ViewStore.Batch batch = store.batch()) {
            PendingStart p;
            while ((p = drops.poll()) != null) {
                batch.dropPending(p.instanceId(), p.offset());
                touched.add(p.instanceId());
            }
            batch.commit();
        }
        notifyTouched();
    }

    /** The consumer's positions: the next offset to read of each partition, once everything polled is applied. */
    private Map<TopicPartition, Long> currentPositions() {
        Map<TopicPartition, Long> now = new HashMap<>();
        for (TopicPartition tp : assignment) {
            try {
                now.put(tp, consumer.position(tp, Duration.ofSeconds(5)));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debug("position of {} not known yet", tp);
            }
        }
        return now;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Binds the consumer's own metrics (lag per partition, fetch rates) to {@code meters} until the tailer closes.
     * Kafka's metrics are thread-safe to read; the consumer itself stays the view thread's.
     */
    AutoCloseable bindMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
        var binder = new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(consumer);
        binder.bindTo(meters);
        return binder;
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("the view thread of hub {} did not stop in time", topics.taskHub());
        }
    }
}
