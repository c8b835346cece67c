package io.durablekafka.gateway.push;

import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.gateway.views.InstanceNotifier;
import io.durablekafka.gateway.views.InstanceView;
import io.durablekafka.gateway.views.ReadViews;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Feeds one instance's status events to a stream: looks at the view, sends the status when it makes an event the
 * client has not seen ({@link EventId}), and waits for the next change notification, holding no thread meanwhile.
 * The stream ends after the terminal event, or when the instance is purged.
 */
public final class InstanceFollower {

    private final EventStream stream;
    private final ReadViews views;
    private final String instanceId;
    private final Function<InstanceStatus, String> render;
    private final Executor executor;
    private volatile CompletableFuture<Void> registration;
    private EventId last;

    /**
     * @param last   the client's {@code Last-Event-ID}, or null
     * @param render the event data of a status
     */
    public InstanceFollower(EventStream stream, ReadViews views, String instanceId, EventId last,
                            Function<InstanceStatus, String> render, Executor executor) {
        this.stream = stream;
        this.views = views;
        this.instanceId = instanceId;
        this.last = last;
        this.render = render;
        this.executor = executor;
    }

    public void start() {
        stream.onClose(() -> {
            CompletableFuture<Void> r = registration;
            if (r != null) {
                views.notifier().unregister(instanceId, r);
            }
        });
        executor.execute(this::step);
    }

    private void step() {
        if (!stream.isOpen()) {
            return;
        }
        InstanceNotifier notifier = views.notifier();
        try {
            // Registered before the look, so no change slips between the two.
            CompletableFuture<Void> changed = notifier.register(instanceId);
            registration = changed;
            Optional<InstanceView> view = views.find(instanceId);
            if (view.isEmpty()) {
                stream.close();
                return;
            }
            InstanceStatus status = view.get().status();
            EventId id = EventId.of(status);
            if (!id.seenBy(last)) {
                if (!stream.send(id.toString(), render.apply(status))) {
                    return;
                }
                last = id;
            }
            if (!view.get().isActive() || changed.isCompletedExceptionally()) {
                stream.close();
                return;
            }
            changed.whenCompleteAsync((ignored, failure) -> {
                if (failure != null) {
                    stream.close();
                } else {
                    step();
                }
            }, executor);
        } catch (RuntimeException e) {
            stream.close();
        }
    }
}
