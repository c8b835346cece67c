package io.durablekafka.gateway.push;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's open event streams: opens them on a request (as an asynchronous response, so an open stream holds
 * no thread), sends each a heartbeat comment at a fixed interval (proxies keep the connection, and a client that
 * left is noticed at the next write), and closes them all when the gateway stops.
 */
public final class EventStreams implements AutoCloseable {

    public static final String CONTENT_TYPE = "text/event-stream";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

    private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService sends = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("dk-gateway-sse-", 0).factory());
    private final Duration heartbeat;
    private ScheduledExecutorService heartbeats;
    private boolean closed;

    public EventStreams(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** The heartbeat thread starts with the first stream: a gateway nobody streams from runs none. */
    private synchronized void startHeartbeats() {
        if (heartbeats != null || closed) {
            return;
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dk-gateway-sse-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long ms = heartbeat.toMillis();
        heartbeats.scheduleAtFixedRate(this::beat, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Answers the request with an open event stream (200, {@value #CONTENT_TYPE}, headers sent at once). Everything
     * that can refuse the request must have run before.
     */
    public EventStream open(Context ctx) {
        ctx.status(200);
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setContentType(CONTENT_TYPE);
        ctx.header("Cache-Control", "no-cache");
        // nginx and similar proxies buffer responses unless told not to.
        ctx.header("X-Accel-Buffering", "no");
        try {
            ctx.res().flushBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startHeartbeats();
        SseClient client = new SseClient(ctx);
        client.keepAlive();
        EventStream stream = new EventStream(client);
        open.add(stream);
        stream.onClose(() -> open.remove(stream));
        return stream;
    }

    /** Where streams do their reads and writes: a virtual thread per task. */
    public Executor executor() {
        return sends;
    }

    /** The number of open streams (for tests and metrics). */
    public int openStreams() {
        return open.size();
    }

    private void beat() {
        for (EventStream s : List.copyOf(open)) {
            sends.execute(s::heartbeat);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (heartbeats != null) {
                heartbeats.shutdownNow();
            }
        }
        for (EventStream s : List.copyOf(open)) {
            s.close();
        }
        sends.shutdown();
    }
}
