package io.durablekafka.node.replay;

import io.durablekafka.sdk.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of every task handed to orchestrator code. Tasks complete only on the driver side (when a history
 * event is applied), in history order; each completion gets a sequence number so that {@code anyOf} picks the
 * same winner on replay as it did live.
 */
abstract class DurableTask<V> implements Task<V> {

    protected final ExecutionContext ctx;
    private long completedSeq = -1;
    private List<Runnable> callbacks;

    DurableTask(ExecutionContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public final boolean isDone() {
        return completedSeq >= 0;
    }

    long completedSeq() {
        return completedSeq;
    }

    /** Runs {@code callback} when this task completes (at once if it already has). */
    final void whenDone(Runnable callback) {
        if (isDone()) {
            callback.run();
            return;
        }
        if (callbacks == null) {
            callbacks = new ArrayList<>(2);
        }
        callbacks.add(callback);
    }

    /** Marks the task done; subclasses set their outcome first. */
    protected final void markDone() {
        if (isDone()) {
            return;
        }
        completedSeq = ctx.nextCompletionSeq();
        if (callbacks != null) {
            List<Runnable> run = callbacks;
            callbacks = null;
            run.forEach(Runnable::run);
        }
    }

    @Override
    public final V await() {
        ctx.awaitTask(this);
        return result();
    }

    /** The value, or throws the failure; only called when done. */
    protected abstract V result();
}
