package io.durablekafka.gateway.push;

import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open Server-Sent Events response. Sends are serialized (the event source and the heartbeat write from
 * different threads) and happen on virtual threads: a client that stops reading blocks only its own writes. A
 * failed write (the client left) closes the stream.
 */
public final class EventStream {

    private final SseClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> onClose = new CopyOnWriteArrayList<>();
    private final AtomicBoolean open = new AtomicBoolean(true);

    EventStream(SseClient client) {
        this.client = client;
        client.onClose(this::closed);
    }

    /** Adds an action run once the stream is closed, by either side (at once if it is closed already). */
    public void onClose(Runnable action) {
        onClose.add(action);
        if (!open.get() && onClose.remove(action)) {
            action.run();
        }
    }

    public boolean isOpen() {
        return open.get() && !client.terminated();
    }

    /**
     * Sends one event ({@code id:} and one {@code data:} line).
     *
     * @return false when the stream is closed
     */
    public boolean send(String id, String json) {
        lock.lock();
        try {
            if (!isOpen()) {
                return false;
            }
            client.sendData(json, id);
            return isOpen();
        } finally {
            lock.unlock();
        }
    }

    void heartbeat() {
        lock.lock();
        try {
            if (isOpen()) {
                client.sendComment("heartbeat");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ends the response. */
    public void close() {
        lock.lock();
        try {
            client.close();
        } finally {
            lock.unlock();
        }
    }

    private void closed() {
        if (open.compareAndSet(true, false)) {
            for (Runnable action : List.copyOf(onClose)) {
                if (onClose.remove(action)) {
                    action.run();
                }
            }
        }
    }
}
