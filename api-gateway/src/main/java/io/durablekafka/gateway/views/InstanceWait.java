package io.durablekafka.gateway.views;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One asynchronous wait for an instance to satisfy a condition in the view: no thread is held while it waits. It
 * registers with the {@link InstanceNotifier} before each check (so no change slips between check and wait),
 * checks again on a virtual thread after every change (never on the tailer's thread, which must not slow down
 * however many requests wait), and at the deadline completes with what the view shows then.
 */
final class InstanceWait {

    /** Checks run here: a store read is short, but thousands of waiters woken by one batch must not queue up. */
    private static final Executor CHECKS = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("dk-gateway-wait-", 0).factory());

    private final ViewStore store;
    private final InstanceNotifier notifier;
    private final String instanceId;
    private final Predicate<Optional<InstanceView>> condition;
    private final CompletableFuture<Optional<InstanceView>> result = new CompletableFuture<>();
    private volatile CompletableFuture<Void> registration;

    private InstanceWait(ViewStore store, InstanceNotifier notifier, String instanceId,
                         Predicate<Optional<InstanceView>> condition) {
        this.store = store;
        this.notifier = notifier;
        this.instanceId = instanceId;
        this.condition = condition;
    }

    static CompletableFuture<Optional<InstanceView>> start(ViewStore store, InstanceNotifier notifier,
                                                          String instanceId,
                                                          Predicate<Optional<InstanceView>> condition,
                                                          Duration timeout) {
        InstanceWait wait = new InstanceWait(store, notifier, instanceId, condition);
        wait.check();
        if (!wait.result.isDone()) {
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, CHECKS).execute(wait::expire);
        }
        return wait.result;
    }

    private void check() {
        try {
            CompletableFuture<Void> changed = notifier.register(instanceId);
            registration = changed;
            Optional<InstanceView> view = store.find(instanceId);
            if (result.isDone() || condition.test(view) || changed.isCompletedExceptionally()) {
                notifier.unregister(instanceId, changed);
                result.complete(view);
                return;
            }
            changed.whenCompleteAsync((ignored, failure) -> check(), CHECKS);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private void expire() {
        if (result.isDone()) {
            return;
        }
        CompletableFuture<Void> changed = registration;
        if (changed != null) {
            notifier.unregister(instanceId, changed);
        }
        try {
            result.complete(store.find(instanceId));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
