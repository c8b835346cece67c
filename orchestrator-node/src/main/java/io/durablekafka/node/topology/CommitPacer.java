package io.durablekafka.node.topology;

import java.time.Duration;

/**
 * Spaces the early commits of one node's stream threads. What clients and other instances wait for (a completion,
 * a message on {@code orchestrations}, which nodes read {@code read_committed}) becomes visible only when the
 * transaction commits, so such steps ask for a commit now rather than at the next commit interval. But a commit
 * blocks its thread for a transaction round trip and costs the broker several requests and a marker per partition,
 * so under load committing after every completion would take most of the capacity (measured: 107 HelloSequence5/s
 * with commits 10 ms apart, 240/s with 100 ms).
 *
 * <p>The spacing follows the load, seen two ways: the rate of input records the thread processes, and the age of those
 * records when it processes them (now minus the producer's timestamp: the backlog). A lightly loaded node commits a
 * completion at once ({@code minSpacing}); the busier it is, the longer it lets a transaction grow, up to
 * {@code maxSpacing} (the commit interval), so that each commit covers many steps when clients wait on a backlog
 * anyway. Both are needed: a node keeping up with a high rate sees young records, and a node crawling through a
 * backlog because it commits too often sees a low rate. Record timestamps come from the producers' clocks: skew
 * between hosts only moves the spacing within the bounds.
 */
final class CommitPacer {

    /** Below this input rate (records per millisecond) commits are as early as allowed. */
    private static final double LIGHT_LOAD = 0.3;
    /** Milliseconds of spacing per record/ms of input rate above the light load. */
    private static final double SPACING_PER_RATE = 50;
    /** Share of the input records' age that a commit may wait on top of it. */
    private static final double SHARE_OF_BACKLOG = 0.25;

    private final long minSpacingNanos;
    private final long maxSpacingNanos;
    private final ThreadLocal<State> states = ThreadLocal.withInitial(State::new);

    private static final class State {
        long lastCommitNanos = Long.MIN_VALUE / 2;
        long lastRecordNanos;
        /** Smoothed time between input records (starts as "idle"). */
        double gapNanos = 1e9;
        /** Smoothed age of input records when processed. */
        double backlogMillis;
    }

    CommitPacer(Duration minSpacing, Duration maxSpacing) {
        this.minSpacingNanos = minSpacing.toNanos();
        this.maxSpacingNanos = Math.max(minSpacing.toNanos(), maxSpacing.toNanos());
    }

    /** Notes an input record, produced at {@code recordTimestampMillis}, being processed by the calling thread. */
    void observeRecord(long recordTimestampMillis, long nowMillis) {
        State s = states.get();
        long now = System.nanoTime();
        long gap = Math.min(now - s.lastRecordNanos, 1_000_000_000L);
        s.lastRecordNanos = now;
        s.gapNanos += (gap - s.gapNanos) * 0.02;
        long age = Math.max(0, nowMillis - recordTimestampMillis);
        s.backlogMillis += (age - s.backlogMillis) * 0.05;
    }

    /** The spacing the calling thread's commits have now. */
    long spacingNanos() {
        State s = states.get();
        double recordsPerMilli = 1e6 / Math.max(1, s.gapNanos);
        double spacingMillis = Math.max((recordsPerMilli - LIGHT_LOAD) * SPACING_PER_RATE, s.backlogMillis * SHARE_OF_BACKLOG);
        return Math.min(maxSpacingNanos, Math.max(minSpacingNanos, (long) (spacingMillis * 1_000_000)));
    }

    /** How long until the calling thread may commit early again (0: now). */
    long millisUntilAllowed() {
        long wait = states.get().lastCommitNanos + spacingNanos() - System.nanoTime();
        return wait <= 0 ? 0 : Math.max(1, wait / 1_000_000);
    }

    /** True (and counted as done) when the calling stream thread may commit early now. */
    boolean tryCommit() {
        State s = states.get();
        long now = System.nanoTime();
        if (now - s.lastCommitNanos >= spacingNanos()) {
            s.lastCommitNanos = now;
            return true;
        }
        return false;
    }
}
