package io.durablekafka.node.replay;

import io.durablekafka.sdk.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * An activity or sub-orchestration call retried by a {@link RetryPolicy}. Retries are driven by completion
 * callbacks on the driver side (a failed attempt schedules a durable timer, the timer schedules the next
 * attempt), so they are recorded in history like any other step and replay identically, and the task works
 * inside {@code allOf}/{@code anyOf} without the code awaiting it.
 */
final class RetriableTask<V> extends DurableTask<V> {

    private final RetryPolicy policy;
    private final Supplier<LeafTask<V>> attempt;
    private final Instant firstAttemptAt;
    private int attempts;
    private LeafTask<V> current;

    RetriableTask(ExecutionContext ctx, RetryPolicy policy, Supplier<LeafTask<V>> attempt) {
        super(ctx);
        this.policy = policy;
        this.attempt = attempt;
        this.firstAttemptAt = ctx.getCurrentInstant();
        next();
    }

    private void next() {
        attempts++;
        current = attempt.get();
        current.whenDone(this::onAttemptDone);
    }

    private void onAttemptDone() {
        if (!current.isFailed() || attempts >= policy.getMaxNumberOfAttempts()) {
            markDone();
            return;
        }
        Duration delay = policy.delayAfter(attempts);
        Instant retryAt = ctx.getCurrentInstant().plus(delay);
        if (policy.getRetryTimeout() != null && retryAt.isAfter(firstAttemptAt.plus(policy.getRetryTimeout()))) {
            markDone();
            return;
        }
        ctx.timerAt(retryAt).whenDone(this::next);
    }

    @Override
    public boolean isFailed() {
        return isDone() && current.isFailed();
    }

    @Override
    protected V result() {
        return current.result();
    }
}
