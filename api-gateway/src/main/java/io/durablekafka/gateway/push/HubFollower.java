package io.durablekafka.gateway.push;

import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.gateway.views.InstanceQuery;
import io.durablekafka.gateway.views.InstanceView;
import io.durablekafka.gateway.views.ReadViews;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Feeds the status events of every instance of a hub that matches a list filter to a stream. The views tell it which
 * instances each batch touched; it looks at those on a virtual thread and sends an event for each whose status makes
 * a new one and that matches the filter, or matched it at its previous event (so a client sees an instance leave,
 * e.g. a Running filter sees the Completed event). Instances it followed to their end, or that left the filter, are
 * forgotten, so its memory is bounded by the matching active instances.
 */
public final class HubFollower {

    private final EventStream stream;
    private final ReadViews views;
    private final InstanceQuery query;
    private final Function<InstanceStatus, String> render;
    private final Executor executor;
    /** Batches of touched IDs: the tailer only appends, never merges, whatever the number of streams. */
    private final Queue<Collection<String>> touched = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ReentrantLock draining = new ReentrantLock();
    /** The last event sent of each followed instance. */
    private final Map<String, EventId> followed = new HashMap<>();
    private EventId resumeAfter;

    public HubFollower(EventStream stream, ReadViews views, InstanceQuery query,
                       Function<InstanceStatus, String> render, Executor executor) {
        this.stream = stream;
        this.views = views;
        this.query = query;
        this.render = render;
        this.executor = executor;
    }

    /**
     * Follows changes from now on; with the client's {@code Last-Event-ID}, first sends every matching instance whose
     * status is after it (a walk of the matching instances, once).
     */
    public void start(EventId last) {
        resumeAfter = last;
        Runnable unlisten = views.notifier().listen(ids -> {
            touched.add(ids);
            schedule();
        });
        stream.onClose(unlisten);
        if (last != null) {
            schedule();
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        draining.lock();
        try {
            scheduled.set(false);
            if (!stream.isOpen()) {
                return;
            }
            if (resumeAfter != null) {
                EventId after = resumeAfter;
                resumeAfter = null;
                query.forEachMatch(views.store(), v -> {
                    if (EventId.of(v.status()).after(after)) {
                        offer(v.instanceId(), Optional.of(v));
                    }
                });
            }
            Set<String> ids = new LinkedHashSet<>();
            Collection<String> batch;
            while ((batch = touched.poll()) != null) {
                ids.addAll(batch);
            }
            for (String id : ids) {
                if (!stream.isOpen()) {
                    return;
                }
                offer(id, views.find(id));
            }
        } catch (RuntimeException e) {
            stream.close();
        } finally {
            draining.unlock();
        }
    }

    private void offer(String instanceId, Optional<InstanceView> view) {
        EventId previous = followed.get(instanceId);
        if (view.isEmpty()) {
            followed.remove(instanceId);
            return;
        }
        boolean matches = query.matches(view.get());
        if (!matches && previous == null) {
            return;
        }
        InstanceStatus status = view.get().status();
        EventId id = EventId.of(status);
        if (id.sameEvent(previous)) {
            return;
        }
        stream.send(id.toString(), render.apply(status));
        if (matches && view.get().isActive()) {
            followed.put(instanceId, id);
        } else {
            followed.remove(instanceId);
        }
    }
}
