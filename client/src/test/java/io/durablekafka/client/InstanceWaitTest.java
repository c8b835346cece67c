package io.durablekafka.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.status.RuntimeStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The waits against gateways that answer the long-poll and against older ones that ignore it: never a tight loop,
 * and an answer soon after the instance ends. (The waits against a real cluster are in the deploy module's
 * ClientEndToEndTest.)
 */
class InstanceWaitTest {

    @Test
    void aGatewayThatHoldsTheLongPollIsAskedOnce() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        try (var gateway = new FakeGateway(exchange -> {
            // Holds the request until the instance ends, as the long-poll does, then answers 200.
            asked.countDown();
            assertTrue(ended.await(30, TimeUnit.SECONDS), "the test ends the instance");
            return FakeGateway.Answer.json(200, FakeGateway.status("i1", "Completed"));
        }); var client = DurableTaskClient.create(gateway.baseUrl())) {
            CompletableFuture<OrchestrationMetadata> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.waitForInstanceCompletion("i1", Duration.ofSeconds(30), true);
                } catch (TimeoutException e) {
                    throw new CompletionException(e);
                }
            });
            assertTrue(asked.await(10, TimeUnit.SECONDS), "the client long-polls");
            assertFalse(waiting.isDone(), "the client waits for the held answer");
            ended.countDown();

            OrchestrationMetadata m = waiting.get(10, TimeUnit.SECONDS);
            assertEquals(RuntimeStatus.Completed, m.runtimeStatus());
            assertEquals(42, m.readOutputAs(Integer.class));
            assertEquals(1, gateway.requests.size(), gateway.requests::toString);
            assertEquals("29", FakeGateway.queryParam(gateway.requests.getFirst(), "timeoutSeconds"),
                    "asks for the time left (just under 30 s), in whole seconds");
        }
    }

    @Test
    void longPollsAskForAtMostAMinute() throws Exception {
        try (var gateway = new FakeGateway(exchange -> FakeGateway.Answer.json(200, FakeGateway.status("i1", "Failed")));
             var client = DurableTaskClient.create(gateway.baseUrl())) {
            client.waitForInstanceCompletion("i1", Duration.ofHours(2), false);
            assertEquals("60", FakeGateway.queryParam(gateway.requests.getFirst(), "timeoutSeconds"));
        }
    }

    @Test
    void anOlderGatewayThatAnswersAtOnceIsPolledWithAGrowingPause() throws Exception {
        long endsAt = System.nanoTime() + Duration.ofMillis(2000).toNanos();
        try (var gateway = new FakeGateway(exchange -> System.nanoTime() < endsAt
                ? FakeGateway.Answer.json(202, FakeGateway.status("i1", "Running"))
                : FakeGateway.Answer.json(200, FakeGateway.status("i1", "Completed")));
             var client = DurableTaskClient.create(gateway.baseUrl())) {
            long start = System.nanoTime();
            OrchestrationMetadata m = client.waitForInstanceCompletion("i1", Duration.ofSeconds(30), false);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(RuntimeStatus.Completed, m.runtimeStatus());
            // Pauses of 50, 100, 200, 400, 800, 1000 ms: about 7 requests in 2 s, not thousands.
            assertTrue(gateway.requests.size() <= 10, () -> gateway.requests.size() + " requests: " + gateway.requests);
            assertTrue(tookMs < 3500, "noticed the end within a pause: " + tookMs + " ms");
        }
    }

    @Test
    void waitingForCompletionTimesOutWithTheLastStatus() throws Exception {
        try (var gateway = new FakeGateway(exchange -> FakeGateway.Answer.json(202, FakeGateway.status("i1", "Running")));
             var client = DurableTaskClient.create(gateway.baseUrl())) {
            long start = System.nanoTime();
            TimeoutException e = assertThrows(TimeoutException.class,
                    () -> client.waitForInstanceCompletion("i1", Duration.ofMillis(1200), false));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains("Running"), e.getMessage());
            assertTrue(tookMs >= 1200 && tookMs < 2500, tookMs + " ms");
        }
    }

    @Test
    void waitingForTheStartReturnsOnceTheInstanceLeftPending() throws Exception {
        long runsAt = System.nanoTime() + Duration.ofMillis(600).toNanos();
        try (var gateway = new FakeGateway(exchange -> FakeGateway.Answer.json(202,
                FakeGateway.status("i1", System.nanoTime() < runsAt ? "Pending" : "Running")));
             var client = DurableTaskClient.create(gateway.baseUrl())) {
            OrchestrationMetadata m = client.waitForInstanceStart("i1", Duration.ofSeconds(10));
            assertEquals(RuntimeStatus.Running, m.runtimeStatus());
            assertNotNull(m.customStatus());
            assertTrue(gateway.requests.size() <= 8, gateway.requests::toString);
        }
    }

    @Test
    void waitingForTheStartOfAnInstanceThatNeverComesTimesOut() throws Exception {
        try (var gateway = new FakeGateway(exchange -> FakeGateway.Answer.json(404,
                "{\"error\":\"InstanceNotFound\",\"message\":\"No instance 'i1'.\"}"));
             var client = DurableTaskClient.create(gateway.baseUrl())) {
            TimeoutException e = assertThrows(TimeoutException.class,
                    () -> client.waitForInstanceStart("i1", Duration.ofMillis(500)));
            assertTrue(e.getMessage().contains("not found"), e.getMessage());
        }
    }
}
