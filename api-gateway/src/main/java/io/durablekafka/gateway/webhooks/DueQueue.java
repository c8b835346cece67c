package io.durablekafka.gateway.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records a deliverer has read and not finished, ordered by due time, and the offsets it may commit. Records
 * finish out of order (a retry due in an hour does not hold up one due now), so a partition's committable offset is
 * its lowest unfinished record: after a crash the next owner reads again from there, rebuilding this queue from
 * Kafka (at least once: records finished after that offset are delivered again). Not thread-safe: the deliverer's
 * poll thread owns it.
 *
 * @param <T> the record's value
 */
final class DueQueue<T> {

    /** A record to handle; {@code epoch} tells a record of a partition this deliverer has since lost and regained. */
    record Item<T>(TopicPartition partition, long offset, long epoch, Instant due, T value) {
    }

    private final PriorityQueue<Item<T>> byDue = new PriorityQueue<>(
            Comparator.comparing((Item<T> i) -> i.due()).thenComparingLong(Item::offset));
    private final Map<TopicPartition, TreeSet<Long>> unfinished = new HashMap<>();
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
    private final Map<TopicPartition, Long> epochs = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private long lastEpoch;

    /** A record read at {@code offset}, to be handled at {@code due}. */
    Item<T> add(TopicPartition partition, long offset, Instant due, T value) {
        long epoch = epochs.computeIfAbsent(partition, p -> ++lastEpoch);
        unfinished.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        nextOffset.merge(partition, offset + 1, Math::max);
        Item<T> item = new Item<>(partition, offset, epoch, due, value);
        byDue.add(item);
        return item;
    }

    /** A record that is handled otherwise (dead-lettered): unfinished until {@link #finish}, never due. */
    Item<T> hold(TopicPartition partition, long offset) {
        long epoch = epochs.computeIfAbsent(partition, p -> ++lastEpoch);
        unfinished.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        nextOffset.merge(partition, offset + 1, Math::max);
        return new Item<>(partition, offset, epoch, Instant.MAX, null);
    }

    /** The next record that is due at {@code now}, taken out of the queue (it stays unfinished until {@link #finish}). */
    Optional<Item<T>> takeDue(Instant now) {
        Item<T> head = byDue.peek();
        if (head == null || head.due().isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(byDue.poll());
    }

    /** How long until the next record is due (zero if one is; {@code max} if none is queued). */
    Duration untilNextDue(Instant now, Duration max) {
        Item<T> head = byDue.peek();
        if (head == null) {
            return max;
        }
        Duration d = Duration.between(now, head.due());
        return d.isNegative() ? Duration.ZERO : d.compareTo(max) > 0 ? max : d;
    }

    /** Puts a taken record back, due at {@code due} (a failure that is retried from memory). */
    void requeue(Item<T> item, Instant due) {
        if (isCurrent(item)) {
            byDue.add(new Item<>(item.partition(), item.offset(), item.epoch(), due, item.value()));
        }
    }

    /** The record is handled: its offset no longer holds back the partition's commit. */
    void finish(Item<T> item) {
        if (isCurrent(item)) {
            unfinished.get(item.partition()).remove(item.offset());
        }
    }

    /** Whether the item's partition is still owned as it was when the item was read. */
    boolean isCurrent(Item<T> item) {
        Long epoch = epochs.get(item.partition());
        return epoch != null && epoch == item.epoch();
    }

    /** Forgets partitions this deliverer no longer owns (their records are someone else's now). */
    void drop(Collection<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            unfinished.remove(p);
            nextOffset.remove(p);
            epochs.remove(p);
            committed.remove(p);
        }
        byDue.removeIf(i -> partitions.contains(i.partition()));
    }

    /** Offsets to commit: each partition's lowest unfinished record, or past the last one read; only changes. */
    Map<TopicPartition, OffsetAndMetadata> commitPositions() {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (var e : nextOffset.entrySet()) {
            TreeSet<Long> open = unfinished.get(e.getKey());
            long position = open == null || open.isEmpty() ? e.getValue() : open.first();
            if (!Long.valueOf(position).equals(committed.get(e.getKey()))) {
                positions.put(e.getKey(), new OffsetAndMetadata(position));
            }
        }
        return positions;
    }

    /** The positions were committed. */
    void committed(Map<TopicPartition, OffsetAndMetadata> positions) {
        positions.forEach((p, o) -> {
            if (epochs.containsKey(p)) {
                committed.put(p, o.offset());
            }
        });
    }

    /** Records read and not finished (queued or being handled). */
    int size() {
        int n = 0;
        for (TreeSet<Long> s : unfinished.values()) {
            n += s.size();
        }
        return n;
    }
}
