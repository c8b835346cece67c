package io.durablekafka.gateway.push;

import io.javalin.http.sse.SseClient;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open Server-Sent Events response. Sends are serialized (the event source and the heartbeat write from
 * different threads) and happen on virtual threads: a client that stops reading blocks only its own writes. A
 * failed write (the client left) closes the stream.
 */
public final class EventStream {

    private final SseClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean open = true;
    private volatile Runnable onClose = () -> { };

    EventStream(SseClient client) {
        this.client = client;
        client.onClose(this::closed);
    }

    /** Runs once the stream is closed, by either side. */
    public void onClose(Runnable action) {
        this.onClose = action;
        if (!open) {
            action.run();
        }
    }

    public boolean isOpen() {
        return open && !client.terminated();
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
        if (open) {
            open = false;
            onClose.run();
        }
    }
}
