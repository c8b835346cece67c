package io.durablekafka.gateway.views;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the views have consumed each partition: the consumer position (next offset to read) after the
 * records before it are written to the store. Readers wait on a condition the tailer signals, no polling.
 */
public final class ViewPositions {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private volatile Throwable failure;

    /** Records new positions (only ever moving forward) and wakes the waiters. */
    void advance(Map<TopicPartition, Long> newPositions) {
        lock.lock();
        try {
            boolean changed = false;
            for (var e : newPositions.entrySet()) {
                Long old = positions.get(e.getKey());
                if (old == null || e.getValue() > old) {
                    positions.put(e.getKey(), e.getValue());
                    changed = true;
                }
            }
            if (changed) {
                advanced.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The tailer stopped for good: waiters give up. */
    void fail(Throwable cause) {
        lock.lock();
        try {
            failure = cause;
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public Throwable failure() {
        return failure;
    }

    /** The position of a partition, or -1 when not known yet. */
    public long position(TopicPartition tp) {
        lock.lock();
        try {
            return positions.getOrDefault(tp, -1L);
        } finally {
            lock.unlock();
        }
    }

    public Map<TopicPartition, Long> snapshot() {
        lock.lock();
        try {
            return Map.copyOf(positions);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every partition's position is at least its target.
     *
     * @return true when reached, false on timeout or when the tailer failed
     */
    public boolean awaitReached(Map<TopicPartition, Long> targets, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    return false;
                }
                if (reached(targets)) {
                    return true;
                }
                if (remaining <= 0) {
                    return false;
                }
                remaining = advanced.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean reached(Map<TopicPartition, Long> targets) {
        for (var e : targets.entrySet()) {
            if (positions.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The partitions still behind their targets, for error messages. */
    public Map<TopicPartition, String> lag(Map<TopicPartition, Long> targets) {
        lock.lock();
        try {
            Map<TopicPartition, String> lag = new HashMap<>();
            targets.forEach((tp, target) -> {
                long p = positions.getOrDefault(tp, -1L);
                if (p < target) {
                    lag.put(tp, p + "/" + target);
                }
            });
            return lag;
        } finally {
            lock.unlock();
        }
    }

}
