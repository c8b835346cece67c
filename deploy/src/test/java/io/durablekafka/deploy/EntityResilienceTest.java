package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Entity operations are applied exactly once while the node that owns them is stopped and started again. */
class EntityResilienceTest {

    private static final int THREADS = 16;
    private static final int SIGNALS = 10_000;
    private static final int AMOUNT = 3;

    @Test
    void tenThousandConcurrentSignalsSurviveANodeRestartExactlyOnce() throws Exception {
        try (TestCluster cluster = new TestCluster("EntityRestart", EntityTestFunctions.registry())) {
            String counter = "@counter@hot";
            StatusTopicReader status = cluster.statusTopic();
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            CountDownLatch halfway = new CountDownLatch(1);
            CountDownLatch restarted = new CountDownLatch(1);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                senders.add(Thread.ofVirtual().name("sender-" + t).start(() -> {
                    for (int i = 0; i < SIGNALS / THREADS; i++) {
                        // Through the HTTP API, as clients signal entities.
                        var response = cluster.post("/runtime/webhooks/durabletask/entities/Counter/hot?op=add",
                                String.valueOf(AMOUNT));
                        if (response.statusCode() != 202) {
                            rejected.incrementAndGet();
                        }
                        if (sent.incrementAndGet() == SIGNALS / 2) {
                            halfway.countDown();
                        }
                        if (i == SIGNALS / THREADS * 3 / 4) {
                            awaitQuietly(restarted);
                        }
                    }
                    cluster.flush();
                }));
            }
            halfway.await();
            // A quarter of the signals has been applied: stop the only node in the middle of the stream.
            status.await(counter, Duration.ofSeconds(60), s -> s != null && s.path("output").asLong() >= SIGNALS * AMOUNT / 4);
            long begin = System.nanoTime();
            cluster.stopNode(cluster.nodes().getFirst());
            long atStop = status.latest(counter).path("output").asLong();
            cluster.startNode().awaitRunning(Duration.ofSeconds(60));
            restarted.countDown();
            System.out.printf("node restarted in %d ms with the counter at %d of %d%n",
                    (System.nanoTime() - begin) / 1_000_000, atStop, SIGNALS * AMOUNT);
            assertTrue(atStop < SIGNALS * AMOUNT, "the node was restarted after every signal was applied");
            for (Thread t : senders) {
                t.join();
            }
            assertEquals(0, rejected.get(), "signals the gateway did not accept");
            JsonNode last = status.awaitState(counter, SIGNALS * AMOUNT, Duration.ofSeconds(90));
            assertEquals(SIGNALS * AMOUNT, last.path("output").asInt());
            // Never more than the total on the way there (an operation applied twice would overshoot).
            int max = 0;
            int updates = 0;
            for (JsonNode s : status.history(counter)) {
                max = Math.max(max, s.path("output").asInt());
                updates++;
            }
            assertEquals(SIGNALS * AMOUNT, max);
            System.out.printf("%d signals applied exactly once, %d status records%n", SIGNALS, updates);
            // Signals that arrive together run as one batch, with one status record per batch.
            assertTrue(updates < SIGNALS / 2, updates + " status records for " + SIGNALS + " signals");
        }
    }

    @Test
    void signalsToManyCountersSurviveARebalanceToAnotherNode() throws Exception {
        try (TestCluster cluster = new TestCluster("EntityRebalance", EntityTestFunctions.registry())) {
            StatusTopicReader status = cluster.statusTopic();
            int counters = 8;
            int perCounter = 500;
            Thread sender = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perCounter; i++) {
                    for (int c = 0; c < counters; c++) {
                        cluster.sendAsync(SignalEntity.of("@counter@spread-" + c, "add", Json.toTree(1)));
                    }
                    if (i % 50 == 0) {
                        cluster.flush();
                    }
                }
                cluster.flush();
            });
            // A second node joins (partitions move to it), then the first leaves (the rest move too).
            status.await("@counter@spread-0", Duration.ofSeconds(60), s -> s != null && s.path("output").asInt() > 0);
            var second = cluster.startNode();
            second.awaitRunning(Duration.ofSeconds(60));
            cluster.stopNode(cluster.nodes().getFirst());
            sender.join();
            for (int c = 0; c < counters; c++) {
                status.awaitState("@counter@spread-" + c, perCounter, Duration.ofSeconds(90));
            }
            for (int c = 0; c < counters; c++) {
                for (JsonNode s : status.history("@counter@spread-" + c)) {
                    assertTrue(s.path("output").asInt() <= perCounter, "applied twice: " + s);
                }
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
