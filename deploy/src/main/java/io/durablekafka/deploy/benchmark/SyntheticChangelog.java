package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes to a hub's node-state changelog what the nodes leave there for a completed {@code HelloSequence5}: six
 * history chunks (one per step: the start and five activity results) and the instance's final record, each in the
 * partition of its instance, as a compacted changelog holds them. Much faster than running the instances on this
 * machine, and the gateway reads exactly these records; what it does not reproduce is the superseded versions of
 * instance records a changelog holds until compaction.
 */
final class SyntheticChangelog {

    private static final String[] CITIES = {"Tokyo", "Seattle", "London", "Paris", "Cairo"};

    private SyntheticChangelog() {
    }

    /** Writes {@code n} instances {@code <prefix>0 ..}; returns the records written. */
    static long write(String bootstrap, String changelog, int partitions, String prefix, int n) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long records = 0;
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String id = prefix + i;
                int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
                String executionId = Long.toHexString(0x1000_0000_0000L + i) + "0000";
                Instant start = t0.plusMillis(i);
                List<HistoryChunk> chunks = new ArrayList<>();
                ArrayNode output = Json.MAPPER.createArrayNode();
                long seq = 0;
                List<HistoryEvent> first = List.of(new HistoryEvent.OrchestratorStarted(start),
                        new HistoryEvent.ExecutionStarted(start, "HelloSequence5", executionId, null, null, null, null),
                        new HistoryEvent.TaskScheduled(start, 0, "SayHello", TextNode.valueOf(CITIES[0])));
                chunks.add(new HistoryChunk(id, executionId, seq, first));
                seq += first.size();
                for (int a = 0; a < CITIES.length; a++) {
                    Instant t = start.plusMillis(10L * (a + 1));
                    String greeting = "Hello " + CITIES[a] + "!";
                    output.add(greeting);
                    List<HistoryEvent> step = new ArrayList<>(List.of(new HistoryEvent.OrchestratorStarted(t),
                            new HistoryEvent.TaskCompleted(t, a, TextNode.valueOf(greeting))));
                    step.add(a + 1 < CITIES.length
                            ? new HistoryEvent.TaskScheduled(t, a + 1, "SayHello", TextNode.valueOf(CITIES[a + 1]))
                            : new HistoryEvent.ExecutionCompleted(t, RuntimeStatus.Completed, output, null));
                    chunks.add(new HistoryChunk(id, executionId, seq, step));
                    seq += step.size();
                }
                Instant end = start.plusMillis(10L * CITIES.length);
                InstanceState state = new InstanceState(id, "HelloSequence5", executionId, RuntimeStatus.Completed,
                        null, output, null, null, start, end, seq, null, List.of(), List.of(), i, null,
                        RuntimeStatus.Completed, 6);
                for (HistoryChunk c : chunks) {
                    producer.send(new ProducerRecord<>(changelog, partition, StoreKeys.historyChunk(id, c.firstSeq()),
                            StoreCodec.encodeHistory(c)), (m, e) -> record(failure, e));
                    records++;
                }
                producer.send(new ProducerRecord<>(changelog, partition, StoreKeys.instance(id),
                        StoreCodec.encodeInstance(state)), (m, e) -> record(failure, e));
                records++;
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("writing the changelog failed", failure.get());
        }
        return records;
    }

    private static void record(AtomicReference<Exception> failure, Exception e) {
        if (e != null) {
            failure.compareAndSet(null, e);
        }
    }
}
