package io.durablekafka.node.topology;

import java.time.Duration;

/**
 * Spaces the early commits of one node's stream threads. What clients and other instances wait for (a completion,
 * a message on {@code orchestrations}, which nodes read {@code read_committed}) becomes visible only when the
 * transaction commits, so such steps ask for a commit now rather than at the next commit interval; but every commit
 * costs a transaction round trip and blocks its thread, so each thread commits early at most once per spacing.
 * Under light load a completion commits at once; under heavy load commits come every spacing, each covering many
 * steps.
 */
final class CommitPacer {

    private final long spacingNanos;
    private final ThreadLocal<long[]> lastCommit = ThreadLocal.withInitial(() -> new long[]{Long.MIN_VALUE / 2});

    CommitPacer(Duration spacing) {
        this.spacingNanos = spacing.toNanos();
    }

    /** True (and counted as done) when the calling stream thread may commit early now. */
    boolean tryCommit() {
        long now = System.nanoTime();
        long[] last = lastCommit.get();
        if (now - last[0] >= spacingNanos) {
            last[0] = now;
            return true;
        }
        return false;
    }
}
