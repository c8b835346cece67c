package io.durablekafka.worker.commit;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of a consumer's partitions are still open (received but not finished), so that commits never
 * pass work that is not done even though activities finish out of order: the committable position of a
 * partition is its lowest open offset, or one past the highest received when nothing is open.
 *
 * <p>Thread-safe: records are received on the poll thread and finished on activity threads.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();

    /** Opens {@code offset}; the record counts as in flight until {@link Ticket#done()}. */
    public synchronized Ticket open(TopicPartition partition, long offset) {
        PartitionOffsets p = partitions.computeIfAbsent(partition, tp -> new PartitionOffsets());
        p.open.add(offset);
        p.next = Math.max(p.next, offset + 1);
        return new Ticket(this, partition, offset, p);
    }

    /** Positions that moved since they were last handed out for a commit. */
    public synchronized Map<TopicPartition, OffsetAndMetadata> advancedPositions() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            long position = p.position();
            if (position != p.requested) {
                p.requested = position;
                out.put(tp, new OffsetAndMetadata(position));
            }
        });
        return out;
    }

    /** Current positions of {@code of} (all tracked ones when null), for a synchronous commit. */
    public synchronized Map<TopicPartition, OffsetAndMetadata> positions(Collection<TopicPartition> of) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (of == null || of.contains(tp)) {
                p.requested = p.position();
                out.put(tp, new OffsetAndMetadata(p.requested));
            }
        });
        return out;
    }

    /** A commit did not go through: hand these positions out again next time. */
    public synchronized void commitFailed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            PartitionOffsets p = partitions.get(tp);
            if (p != null && p.requested == om.offset()) {
                p.requested = -1;
            }
        });
    }

    /**
     * Drops the bookkeeping of partitions this consumer no longer owns. Their tickets become inert: work still
     * running for them may finish and report (a harmless duplicate for the new owner) but commits nothing here,
     * even if the partition comes back later.
     */
    public synchronized void forget(Collection<TopicPartition> gone) {
        gone.forEach(partitions::remove);
    }

    /** Number of open offsets over all partitions. */
    public synchronized int openCount() {
        return partitions.values().stream().mapToInt(p -> p.open.size()).sum();
    }

    private synchronized void close(Ticket ticket) {
        if (partitions.get(ticket.partition) == ticket.owner) {
            ticket.owner.open.remove(ticket.offset);
        }
    }

    private synchronized boolean isCurrent(Ticket ticket) {
        return partitions.get(ticket.partition) == ticket.owner;
    }

    private static final class PartitionOffsets {
        final TreeSet<Long> open = new TreeSet<>();
        long next = -1;
        /** The position last handed out for a commit (-1: none), so that unchanged positions are not recommitted. */
        long requested = -1;

        long position() {
            return open.isEmpty() ? next : open.first();
        }
    }

    /** One received record; {@link #done()} once its outcome is safely written. */
    public static final class Ticket {
        private final OffsetTracker tracker;
        private final TopicPartition partition;
        private final long offset;
        private final PartitionOffsets owner;

        private Ticket(OffsetTracker tracker, TopicPartition partition, long offset, PartitionOffsets owner) {
            this.tracker = tracker;
            this.partition = partition;
            this.offset = offset;
            this.owner = owner;
        }

        public TopicPartition partition() {
            return partition;
        }

        public long offset() {
            return offset;
        }

        public void done() {
            tracker.close(this);
        }

        /** False once the partition was revoked from this consumer. */
        public boolean isCurrent() {
            return tracker.isCurrent(this);
        }
    }
}
