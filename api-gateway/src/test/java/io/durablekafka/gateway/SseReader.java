package io.durablekafka.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A test client of one Server-Sent Events response: its events, heartbeats and end, read on a virtual thread. */
final class SseReader implements AutoCloseable {

    record Event(String id, JsonNode data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final HttpResponse<Stream<String>> response;

    private SseReader(HttpResponse<Stream<String>> response) {
        this.response = response;
    }

    /** Opens the stream: returns once the response headers are in (the body may never end). */
    static CompletableFuture<SseReader> open(HttpClient client, String url, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
            SseReader reader = new SseReader(r);
            Thread.ofVirtual().start(reader::read);
            return reader;
        });
    }

    static SseReader open(String url, String lastEventId) throws Exception {
        return open(HubFixture.HTTP, url, lastEventId).get(20, TimeUnit.SECONDS);
    }

    int statusCode() {
        return response.statusCode();
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private void read() {
        String id = null;
        StringBuilder data = null;
        try {
            Iterator<String> lines = response.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, Json.MAPPER.readTree(data.toString())));
                    }
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).strip());
                }
            }
            ended.complete(null);
        } catch (IOException e) {
            ended.completeExceptionally(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            ended.completeExceptionally(e);
        }
    }

    /** The next event, waiting up to the fixture's deadline. */
    Event next() throws InterruptedException {
        Event e = events.poll(HubFixture.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + HubFixture.DEADLINE);
        }
        return e;
    }

    /** The next event if one is already in, else null. */
    Event poll() {
        return events.poll();
    }

    int comments() {
        return comments.get();
    }

    boolean ended() {
        return ended.isDone();
    }

    void awaitEnd() throws Exception {
        ended.get(HubFixture.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        response.body().close();
    }
}
