package io.durablekafka.gateway.views;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Wakes up requests waiting for a change of one instance in the views, without polling: a waiter
 * {@link #register registers} a future for an instance ID, then checks the store; the tailer, after committing
 * a batch, completes the futures of every instance ID the batch touched (an instance or entity record, its
 * tombstone, a pending start or a dropped pending start). Registering before checking means no change can slip
 * between the check and the wait.
 *
 * <p>Besides one-shot waiters on one instance, {@link #listen listeners} hear of every batch (a live stream of a
 * whole hub). They are called on the tailer's thread, so they must only hand the IDs on, never read or write.
 */
public final class InstanceNotifier {

    private final ConcurrentHashMap<String, List<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    private final List<Consumer<Collection<String>>> listeners = new CopyOnWriteArrayList<>();
    private volatile Throwable failure;

    /** A future completed at the next change of the instance (or exceptionally when the views stop). */
    public CompletableFuture<Void> register(String instanceId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Throwable failed = failure;
        if (failed != null) {
            f.completeExceptionally(failed);
            return f;
        }
        waiters.compute(instanceId, (id, list) -> {
            List<CompletableFuture<Void>> l = list == null ? new ArrayList<>(2) : list;
            l.add(f);
            return l;
        });
        return f;
    }

    /** Forgets a future that is no longer waited on (after a timeout). */
    public void unregister(String instanceId, CompletableFuture<Void> f) {
        waiters.computeIfPresent(instanceId, (id, list) -> {
            list.remove(f);
            return list.isEmpty() ? null : list;
        });
    }

    /**
     * Calls {@code listener} with the IDs of every committed batch from now on, until the returned handle is run.
     * The collection is the listener's to keep.
     */
    public Runnable listen(Consumer<Collection<String>> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The views stopped for good (then every waiter fails at once), or null. */
    public Throwable failure() {
        return failure;
    }

    /** The number of instance IDs with waiters (for tests and metrics). */
    public int waitingInstances() {
        return waiters.size();
    }

    /** Called by the tailer after a batch touching these instances is committed to the store. */
    void changed(Collection<String> instanceIds) {
        if (!listeners.isEmpty()) {
            List<String> copy = List.copyOf(instanceIds);
            for (Consumer<Collection<String>> listener : listeners) {
                try {
                    listener.accept(copy);
                } catch (RuntimeException e) {
                    // A broken listener (one stream) must not stop the views of every request.
                    listeners.remove(listener);
                }
            }
        }
        if (waiters.isEmpty()) {
            return;
        }
        for (String id : instanceIds) {
            List<CompletableFuture<Void>> list = waiters.remove(id);
            if (list != null) {
                for (CompletableFuture<Void> f : list) {
                    f.complete(null);
                }
            }
        }
    }

    /** The views stopped for good: every waiter (present and future) fails at once. */
    void fail(Throwable cause) {
        failure = cause;
        for (String id : List.copyOf(waiters.keySet())) {
            List<CompletableFuture<Void>> list = waiters.remove(id);
            if (list != null) {
                list.forEach(f -> f.completeExceptionally(cause));
            }
        }
    }
}
