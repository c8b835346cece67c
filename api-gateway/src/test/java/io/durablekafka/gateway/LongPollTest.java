package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.HubFixture.statusUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.gateway.views.ReadViews;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** GET status with {@code timeoutSeconds}: answered when the instance ends, or at the deadline; no thread per wait. */
class LongPollTest {

    @Test
    void answersTheMomentTheInstanceEndsHonouringTheQueryFlags() throws Exception {
        try (HubFixture hub = new HubFixture("lpend")) {
            Gateway gw = hub.gateway();
            assertEquals(202, post(startUrl(gw, "Hello") + "/lp-1", "\"Tokyo\"").statusCode());
            ReadViews views = gw.views(hub.topics.taskHub());
            long t0 = System.nanoTime();
            CompletableFuture<HttpResponse<String>> polled = HubFixture.HTTP.sendAsync(
                    request(statusUrl(gw, "lp-1") + "?timeoutSeconds=30&showInput=false"),
                    HttpResponse.BodyHandlers.ofString());
            HubFixture.await("the long-poll waits on the view", () -> views.notifier().waitingInstances() == 1);
            hub.advance("lp-1", RuntimeStatus.Running, null);
            HubFixture.await("the node's Running record is in the view",
                    () -> views.find("lp-1").map(v -> v.runtimeStatus() == RuntimeStatus.Running).orElse(false)
                            && views.notifier().waitingInstances() == 1);
            assertFalse(polled.isDone(), "a running instance does not answer the long-poll");
            hub.advance("lp-1", RuntimeStatus.Completed, Json.toTree("Hello Tokyo!"));
            HttpResponse<String> r = polled.get(20, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = json(r);
            assertEquals("Completed", body.get("runtimeStatus").asText());
            assertEquals("Hello Tokyo!", body.get("output").asText());
            assertTrue(body.get("input").isNull(), "showInput=false holds for the long-poll: " + body);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "answered before the deadline");
            assertEquals(0, views.notifier().waitingInstances());

            // An instance that already ended answers at once.
            HttpResponse<String> done = get(statusUrl(gw, "lp-1") + "?timeoutSeconds=30&showHistory=true");
            assertEquals(200, done.statusCode());
            assertTrue(json(done).has("historyEvents"));
        }
    }

    @Test
    void theDeadlineAnswers202WithTheStatusThenAndLongWaitsAreCut() throws Exception {
        try (HubFixture hub = new HubFixture("lpdeadline")) {
            Gateway gw = hub.gateway(o -> o.withMaxLongPoll(Duration.ofSeconds(2)));
            hub.seed("lp-run", "Hello", RuntimeStatus.Running, Json.toTree(1), null, Instant.now());
            HubFixture.await("seeded", () -> gw.views(hub.topics.taskHub()).find("lp-run").isPresent());

            long t0 = System.nanoTime();
            HttpResponse<String> r = get(statusUrl(gw, "lp-run") + "?timeoutSeconds=1");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(202, r.statusCode(), r.body());
            assertEquals("Running", json(r).get("runtimeStatus").asText());
            assertTrue(HubFixture.firstHeaders(r).containsKey("Location"));
            assertTrue(ms >= 900 && ms < 10_000, "answered at the deadline, after " + ms + " ms");

            t0 = System.nanoTime();
            r = get(statusUrl(gw, "lp-run") + "?timeoutSeconds=3600");
            ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(202, r.statusCode(), r.body());
            assertTrue(ms >= 1900 && ms < 15_000, "cut to dk.gateway.max.long.poll.seconds (2 s): " + ms + " ms");

            r = get(statusUrl(gw, "lp-run") + "?timeoutSeconds=0");
            assertEquals(202, r.statusCode(), "0 answers at once");
        }
    }

    @Test
    void badValuesAre400UnknownInstancesAre404AtOnceAndAPurgeEndsTheWait() throws Exception {
        try (HubFixture hub = new HubFixture("lperr")) {
            Gateway gw = hub.gateway();
            for (String bad : List.of("-1", "1.5", "abc", "1e3")) {
                assertError(get(statusUrl(gw, "whatever") + "?timeoutSeconds=" + bad), 400, "InvalidParameter");
            }
            long t0 = System.nanoTime();
            assertError(get(statusUrl(gw, "nobody") + "?timeoutSeconds=30"), 404, "InstanceNotFound");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15), "404 at once");

            hub.seed("lp-gone", "Hello", RuntimeStatus.Running, null, null, Instant.now());
            ReadViews views = gw.views(hub.topics.taskHub());
            HubFixture.await("seeded", () -> views.find("lp-gone").isPresent());
            CompletableFuture<HttpResponse<String>> polled = HubFixture.HTTP.sendAsync(
                    request(statusUrl(gw, "lp-gone") + "?timeoutSeconds=30"), HttpResponse.BodyHandlers.ofString());
            HubFixture.await("the long-poll waits", () -> views.notifier().waitingInstances() == 1);
            hub.tombstone("lp-gone");
            assertError(polled.get(20, TimeUnit.SECONDS), 404, "InstanceNotFound");
        }
    }

    /**
     * 2,000 long-polls wait at once, each for its own instance: the gateway's platform threads do not grow with them
     * (the waits are asynchronous), and every one answers 200 with its output when its instance completes.
     */
    @Test
    void twoThousandConcurrentLongPollsHoldNoThreadsAndAllAnswer() throws Exception {
        int n = 2000;
        try (HubFixture hub = new HubFixture("lpmany");
             ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            Gateway gw = hub.gateway();
            ReadViews views = gw.views(hub.topics.taskHub());
            Instant created = Instant.now();
            List<InstanceStatus> running = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                running.add(status("many-" + i, RuntimeStatus.Running, null, created));
            }
            hub.seedAll(running);
            HubFixture.await("all seeded", () -> views.find("many-" + (n - 1)).isPresent()
                    && views.find("many-0").isPresent());

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(clientThreads).connectTimeout(Duration.ofSeconds(20)).build();
            // Warm up the server's and the client's pools, so the baseline is what a busy gateway has anyway.
            for (int i = 0; i < 20; i++) {
                client.send(request(statusUrl(gw, "many-" + i)), HttpResponse.BodyHandlers.ofString());
            }
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

            long t0 = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                polls.add(client.sendAsync(request(statusUrl(gw, "many-" + i) + "?timeoutSeconds=50"),
                        HttpResponse.BodyHandlers.ofString()));
            }
            HubFixture.await("all " + n + " long-polls wait", () -> views.notifier().waitingInstances() == n);
            long openedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int threadsWaiting = ManagementFactory.getThreadMXBean().getThreadCount();
            assertTrue(polls.stream().noneMatch(CompletableFuture::isDone), "nobody answered early");

            List<InstanceStatus> completed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                completed.add(status("many-" + i, RuntimeStatus.Completed, Json.toTree(i), created));
            }
            long t1 = System.nanoTime();
            hub.seedAll(completed);
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = polls.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                JsonNode body = json(r);
                assertEquals("Completed", body.get("runtimeStatus").asText());
                assertEquals(i, body.get("output").asInt());
            }
            long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
            System.out.printf("%d long-polls: all waiting after %d ms; platform threads %d before, %d while waiting; "
                    + "all answered %d ms after the completions were written%n", n, openedMs, threadsBefore,
                    threadsWaiting, answeredMs);
            assertTrue(threadsWaiting - threadsBefore < 50, "platform threads grew from " + threadsBefore + " to "
                    + threadsWaiting + " with " + n + " waiting long-polls");
        }
    }

    private static InstanceStatus status(String id, RuntimeStatus rs, JsonNode output, Instant created) {
        return new InstanceStatus(id, "Hello", "exec-1", rs, null, output, null, null, created,
                rs.isTerminal() ? Instant.now() : created, null, 1, -1);
    }

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90)).GET().build();
    }
}
