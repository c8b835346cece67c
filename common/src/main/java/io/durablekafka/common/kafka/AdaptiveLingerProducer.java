package io.durablekafka.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * A producer that lingers only when it is busy. Kafka's {@code linger.ms} is fixed: with 0, a busy producer sends a
 * request per round trip whatever the load, and on a small machine the broker's cost is the number of requests; with
 * a few milliseconds, every record of an idle producer waits that long, and one orchestration is many hops. This
 * wrapper sends at once while records come rarely and, when they come faster than {@code busyRate} per second, holds
 * them for {@code hold} and sends them together, so a busy producer sends a few hundred requests per second carrying
 * many records each.
 *
 * <p>Records sent within {@code hold} after a commit are held until {@code hold} has passed since it, busy or not. The
 * broker finishes a transaction (its markers) after the commit returns; under transactions v2 a produce that reaches it
 * before then is refused by the coordinator and retried by the broker after its
 * {@code add.partitions.to.txn.retry.backoff.ms} (Kafka's default 20 ms), and with one request in flight every later
 * send waits behind it (docs/scaling.md, the multi-node slowdown). A short pause avoids most of these; a producer
 * that sends later than that after a commit is not delayed.
 *
 * <p>Nothing is held across a flush or a transaction boundary: {@link #flush()}, {@link #sendOffsetsToTransaction} and
 * {@link #commitTransaction()} send what is held first, {@link #abortTransaction()} drops it. Records keep their order:
 * once one is held, later ones are held behind it.
 */
public final class AdaptiveLingerProducer<K, V> implements Producer<K, V> {

    private static final ScheduledExecutorService RELEASER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dk-producer-linger");
        t.setDaemon(true);
        return t;
    });

    private final Producer<K, V> delegate;
    private final long holdNanos;
    private final double busyGapNanos;
    private final List<Held<K, V>> held = new ArrayList<>();
    private boolean releaseScheduled;
    private long lastSendNanos = System.nanoTime();
    /** Smoothed time between sends. */
    private double gapNanos = 1e9;
    /** When the last commit returned (long ago at first). */
    private long committedNanos = System.nanoTime() - Long.MAX_VALUE / 2;

    private record Held<K, V>(ProducerRecord<K, V> record, Callback callback, CompletableFuture<RecordMetadata> future) {
    }

    /**
     * @param hold     how long records are held when the producer is busy
     * @param busyRate sends per second from which the producer counts as busy
     */
    public AdaptiveLingerProducer(Producer<K, V> delegate, Duration hold, double busyRate) {
        this.delegate = delegate;
        this.holdNanos = hold.toNanos();
        this.busyGapNanos = 1e9 / busyRate;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        synchronized (this) {
            long now = System.nanoTime();
            gapNanos += (Math.min(now - lastSendNanos, 1_000_000_000L) - gapNanos) * 0.05;
            lastSendNanos = now;
            long sinceCommit = now - committedNanos;
            boolean justCommitted = sinceCommit < holdNanos;
            if (held.isEmpty() && !justCommitted && (holdNanos <= 0 || gapNanos > busyGapNanos)) {
                return delegate.send(record, callback);
            }
            CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
            held.add(new Held<>(record, callback, future));
            if (!releaseScheduled) {
                releaseScheduled = true;
                RELEASER.schedule(this::release, justCommitted ? holdNanos - sinceCommit : holdNanos,
                        TimeUnit.NANOSECONDS);
            }
            return future;
        }
    }

    /** Sends what is held, in order. */
    private synchronized void release() {
        releaseScheduled = false;
        for (Held<K, V> h : held) {
            try {
                delegate.send(h.record(), (metadata, exception) -> {
                    if (exception != null) {
                        h.future().completeExceptionally(exception);
                    } else {
                        h.future().complete(metadata);
                    }
                    if (h.callback() != null) {
                        h.callback().onCompletion(metadata, exception);
                    }
                });
            } catch (RuntimeException e) {
                // The producer refused at once (closed, fenced): the caller learns it from the callback, as from an
                // asynchronous failure, and the next flush or commit fails too.
                h.future().completeExceptionally(e);
                if (h.callback() != null) {
                    h.callback().onCompletion(null, e);
                }
            }
        }
        held.clear();
    }

    private synchronized void drop() {
        held.forEach(h -> h.future().cancel(false));
        held.clear();
    }

    @Override
    public void flush() {
        release();
        delegate.flush();
    }

    @Override
    public void initTransactions() {
        delegate.initTransactions();
    }

    @Override
    public void beginTransaction() {
        delegate.beginTransaction();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
        release();
        delegate.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    @Override
    public void commitTransaction() {
        release();
        delegate.commitTransaction();
        synchronized (this) {
            committedNanos = System.nanoTime();
        }
    }

    @Override
    public void abortTransaction() {
        drop();
        delegate.abortTransaction();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        delegate.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        delegate.unregisterMetricFromSubscription(metric);
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return delegate.metrics();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return delegate.clientInstanceId(timeout);
    }

    @Override
    public void close() {
        release();
        delegate.close();
    }

    @Override
    public void close(Duration timeout) {
        release();
        delegate.close(timeout);
    }
}
