package io.durablekafka.worker;

import static io.durablekafka.worker.TestHub.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.DeadLetters;
import io.durablekafka.sdk.FunctionRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ActivityWorkerTest {

    record Order(String item, int quantity) {
    }

    record Quote(String item, int total) {
    }

    @Test
    void anActivitysReturnValueComesBackAsCompleteTask() {
        var registry = FunctionRegistry.builder()
                .addActivity("PriceOrder", ctx -> {
                    Order order = ctx.getInput(Order.class);
                    return new Quote(order.item() + " for " + ctx.getInstanceId() + "#" + ctx.getTaskId(),
                            order.quantity() * 3);
                })
                .build();
        try (var hub = TestHub.create(); var worker = hub.startWorker(registry, 4)) {
            hub.request(new ActivityRequest("order-1", "exec-1", 7, "PriceOrder", Json.toTree(new Order("tea", 5))));

            ConsumerRecord<byte[], byte[]> record = hub.awaitRecords(hub.topics.orchestrations(), 1).getFirst();
            var complete = assertInstanceOf(CompleteTask.class, Json.fromBytes(record.value(), OrchestrationMessage.class));
            assertAll(
                    () -> assertEquals("order-1", new String(record.key(), StandardCharsets.UTF_8)),
                    () -> assertEquals("CompleteTask", MessageHeaders.type(record.headers())),
                    () -> assertEquals("order-1", complete.instanceId()),
                    () -> assertEquals("exec-1", complete.executionId()),
                    () -> assertEquals(7, complete.taskId()),
                    () -> assertEquals(new Quote("tea for order-1#7", 15), Json.fromTree(complete.result(), Quote.class)));
        }
    }

    @Test
    void aWorkerStartedBeforeTheHubsTopicsExistWaitsForThemAndThenServes() throws Exception {
        var registry = FunctionRegistry.builder().addActivity("Echo", ctx -> ctx.getInput(String.class)).build();
        Observability observability = Observability.detached();
        try (var hub = TestHub.createWithoutTopics(); var worker = hub.startWorker(registry, observability, 4)) {
            TestHub.awaitTrue("the worker says it waits for its topic", () -> String.valueOf(observability.health()
                    .readiness().checks().get("worker").detail()).contains("waiting for their topic"));
            hub.provision();
            hub.request(new ActivityRequest("late-1", "exec-1", 1, "Echo", TextNode.valueOf("here")));

            var completed = assertInstanceOf(CompleteTask.class, hub.awaitResults(1).getFirst());
            assertEquals(1, completed.taskId());
        }
    }

    @Test
    void anActivityThatThrowsComesBackAsFailTaskWithTypeMessageAndStack() {
        var registry = FunctionRegistry.builder()
                .addActivity("Charge", ctx -> {
                    throw new IllegalStateException("card declined", new IOException("gateway down"));
                })
                .build();
        try (var hub = TestHub.create(); var worker = hub.startWorker(registry, 4)) {
            hub.request(new ActivityRequest("pay-1", "exec-1", 3, "Charge", TextNode.valueOf("4111")));

            ConsumerRecord<byte[], byte[]> record = hub.awaitRecords(hub.topics.orchestrations(), 1).getFirst();
            var failed = assertInstanceOf(FailTask.class, Json.fromBytes(record.value(), OrchestrationMessage.class));
            assertAll(
                    () -> assertEquals("FailTask", MessageHeaders.type(record.headers())),
                    () -> assertEquals("pay-1", failed.instanceId()),
                    () -> assertEquals("exec-1", failed.executionId()),
                    () -> assertEquals(3, failed.taskId()),
                    () -> assertEquals(IllegalStateException.class.getName(), failed.failure().errorType()),
                    () -> assertEquals("card declined", failed.failure().errorMessage()),
                    () -> assertTrue(failed.failure().stackTrace().contains(ActivityWorkerTest.class.getName()),
                            failed.failure().stackTrace()),
                    () -> assertEquals(IOException.class.getName(), failed.failure().innerFailure().errorType()));
        }
    }

    @Test
    void anUnknownActivityNameFailsWithActivityNotFound() {
        var registry = FunctionRegistry.builder().addActivity("Known", ctx -> "ok").build();
        try (var hub = TestHub.create(); var worker = hub.startWorker(registry, 4)) {
            hub.request(new ActivityRequest("lost-1", "exec-1", 1, "NoSuchActivity", null));

            var failed = assertInstanceOf(FailTask.class, hub.awaitResults(1).getFirst());
            assertAll(
                    () -> assertEquals(1, failed.taskId()),
                    () -> assertEquals("ActivityNotFound", failed.failure().errorType()),
                    () -> assertTrue(failed.failure().errorMessage().contains("'NoSuchActivity'"),
                            failed.failure().errorMessage()),
                    () -> assertTrue(failed.failure().errorMessage().contains("'default'"),
                            failed.failure().errorMessage()));
        }
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicAndTheNextGoodRecordIsStillProcessed() {
        var registry = FunctionRegistry.builder().addActivity("Echo", ctx -> ctx.getInput(String.class)).build();
        byte[] garbage = "this is not {json".getBytes(StandardCharsets.UTF_8);
        byte[] fromTheFuture = """
                {"type":"ActivityRequest","v":2,"instanceId":"same","executionId":"e","taskId":1,"name":"Echo"}"""
                .getBytes(StandardCharsets.UTF_8);
        try (var hub = TestHub.create(); var worker = hub.startWorker(registry, 4)) {
            // One key, so one partition: the good record comes after the bad ones.
            hub.sendRaw("default", "same", garbage);
            hub.sendRaw("default", "same", fromTheFuture);
            hub.request(new ActivityRequest("same", "e", 2, "Echo", TextNode.valueOf("still here")));

            var complete = assertInstanceOf(CompleteTask.class, hub.awaitResults(1).getFirst());
            assertEquals("still here", complete.result().asText());

            List<ConsumerRecord<byte[], byte[]>> dead = hub.awaitRecords(hub.topics.deadLetter(), 2);
            assertArrayEquals(garbage, dead.get(0).value());
            assertArrayEquals(fromTheFuture, dead.get(1).value());
            assertEquals("same", new String(dead.get(0).key(), StandardCharsets.UTF_8));
            assertTrue(header(dead.get(0), DeadLetters.REASON).startsWith("not JSON"), header(dead.get(0), DeadLetters.REASON));
            assertTrue(header(dead.get(1), DeadLetters.REASON).contains("v=2"), header(dead.get(1), DeadLetters.REASON));
            assertEquals(hub.topics.tasks("default"), header(dead.get(0), DeadLetters.SOURCE_TOPIC));
            assertEquals("0", header(dead.get(0), DeadLetters.SOURCE_OFFSET));
            assertEquals("1", header(dead.get(1), DeadLetters.SOURCE_OFFSET));

            awaitTrue("all three records committed", () -> hub.committedTotal("default") == 3);
        }
    }

    @Test
    void neverRunsMoreActivitiesAtOnceThanTheConcurrencyLimitAndStillCompletesThemAll() throws Exception {
        int limit = 8;
        int requests = 200;
        var running = new AtomicInteger();
        var maxRunning = new AtomicInteger();
        var release = new CountDownLatch(1);
        var registry = FunctionRegistry.builder()
                .addActivity("Slow", ctx -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        release.await(20, TimeUnit.SECONDS);
                        return ctx.getTaskId();
                    } finally {
                        running.decrementAndGet();
                    }
                })
                .build();
        try (var hub = TestHub.create(); var worker = hub.startWorker(registry, limit)) {
            hub.requestAll(IntStream.range(0, requests)
                    .mapToObj(i -> new ActivityRequest("slow-" + i, "e", i, "Slow", null))
                    .toList());

            awaitTrue("the worker to fill up to its limit", () -> running.get() == limit);
            assertEquals(limit, maxRunning.get());
            release.countDown();

            Set<Integer> taskIds = hub.awaitResults(requests).stream()
                    .map(m -> assertInstanceOf(CompleteTask.class, m).taskId())
                    .collect(Collectors.toSet());
            assertEquals(requests, taskIds.size());
            assertTrue(maxRunning.get() <= limit, "at most " + limit + " at once, saw " + maxRunning.get());
        }
    }

    @Test
    void aWorkerServingOnlyQueueMathDoesNotConsumeTheDefaultQueue() {
        var greetings = new AtomicInteger();
        var registry = FunctionRegistry.builder()
                .addActivity("Greet", ctx -> "hello #" + greetings.incrementAndGet())
                .addActivity("Add", "math", ctx -> {
                    int[] terms = ctx.getInput(int[].class);
                    return terms[0] + terms[1];
                })
                .build();
        try (var hub = TestHub.create("default", "math"); var worker = hub.startWorker(registry, 4, "math")) {
            hub.request("default", new ActivityRequest("g-1", "e", 1, "Greet", null));
            hub.request("math", new ActivityRequest("m-1", "e", 2, "Add", Json.toTree(new int[] {2, 3})));

            var complete = assertInstanceOf(CompleteTask.class, hub.awaitResults(1).getFirst());
            assertEquals(2, complete.taskId());
            assertEquals(5, complete.result().asInt());
            awaitTrue("math committed", () -> hub.committedTotal("math") == 1);
            assertEquals(0, greetings.get());
            assertEquals(0, hub.committedTotal("default"));
        }
    }

    @Test
    void aNewWorkerInTheSameGroupDoesNotRerunWorkTheClosedOneCommitted() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        var registry = FunctionRegistry.builder()
                .addActivity("Count", ctx -> runs.computeIfAbsent(ctx.getTaskId(), id -> new AtomicInteger())
                        .incrementAndGet())
                .build();
        try (var hub = TestHub.create()) {
            hub.requestAll(IntStream.range(0, 20)
                    .mapToObj(i -> new ActivityRequest("count-" + i, "e", i, "Count", null))
                    .toList());
            try (var first = hub.startWorker(registry, 4)) {
                hub.awaitResults(20);
            }
            assertEquals(20, hub.committedTotal("default"), "the closed worker committed everything it finished");

            hub.requestAll(IntStream.range(20, 30)
                    .mapToObj(i -> new ActivityRequest("count-" + i, "e", i, "Count", null))
                    .toList());
            try (var second = hub.startWorker(registry, 4)) {
                Set<Integer> reported = new HashSet<>();
                hub.awaitResults(30).forEach(m -> reported.add(assertInstanceOf(CompleteTask.class, m).taskId()));
                assertEquals(30, reported.size());
            }
            for (int id = 0; id < 30; id++) {
                assertNotNull(runs.get(id), "task " + id + " ran");
                assertEquals(1, runs.get(id).get(), "task " + id + " ran once");
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
