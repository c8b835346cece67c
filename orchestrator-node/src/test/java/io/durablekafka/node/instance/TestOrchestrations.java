package io.durablekafka.node.instance;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.Task;
import io.durablekafka.sdk.TaskOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The orchestrations the engine tests run. */
final class TestOrchestrations {

    static final String ID = "order-42";
    static final EntityInstanceId ALICE = new EntityInstanceId("Account", "alice");
    static final EntityInstanceId BOB = new EntityInstanceId("Account", "bob");

    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            // A(input), then B(result of A); the output is B's result.
            .addOrchestration("Sequence", ctx -> {
                String a = ctx.callActivity("A", ctx.getInput(JsonNode.class), String.class).await();
                ctx.complete(ctx.callActivity("B", a, String.class).await());
            })
            // A and B in parallel; the output is both results.
            .addOrchestration("Parallel", ctx -> {
                List<Task<String>> both = List.of(ctx.callActivity("A", null, String.class), ctx.callActivity("B", null, String.class));
                ctx.complete(ctx.allOf(both).await());
            })
            // Waits for event Go, then calls A with its data.
            .addOrchestration("WaitForGo", ctx -> {
                String go = ctx.waitForExternalEvent("Go", String.class).await();
                ctx.complete(ctx.callActivity("A", go, String.class).await());
            })
            .addOrchestration("Parent", ctx -> ctx.complete(
                    ctx.callSubOrchestrator("Child", ctx.getInput(JsonNode.class), "child-1", null, String.class).await()))
            .addOrchestration("Child", ctx -> ctx.complete("child done"))
            .addOrchestration("Sleeper", ctx -> {
                ctx.createTimer(Duration.ofHours(1)).await();
                ctx.complete("woke");
            })
            // Input n: calls A(n) and continues as new with n + 1, until n is 2.
            .addOrchestration("Looper", ctx -> {
                int n = ctx.getInput(Integer.class);
                if (n >= 2) {
                    ctx.complete(n);
                    return;
                }
                ctx.callActivity("A", n).await();
                ctx.continueAsNew(n + 1);
            })
            // Round 0: A, then continue as new keeping unprocessed events. Round 1: takes event Extra, then sleeps
            // a minute; the output is the orchestration's time after the event.
            .addOrchestration("Relay", ctx -> {
                if (ctx.getInput(Integer.class) == 0) {
                    ctx.callActivity("A").await();
                    ctx.continueAsNew(1, true);
                    return;
                }
                ctx.waitForExternalEvent("Extra").await();
                Instant afterEvent = ctx.getCurrentInstant();
                ctx.createTimer(Duration.ofMinutes(1)).await();
                ctx.complete(afterEvent);
            })
            .addOrchestration("Progress", ctx -> {
                ctx.setCustomStatus("step 1");
                ctx.callActivity("A").await();
                ctx.setCustomStatus("step 2");
                ctx.callActivity("B").await();
            })
            // Continues as new at once, forever.
            .addOrchestration("Restless", ctx -> ctx.continueAsNew(ctx.getInput(Integer.class) + 1))
            .addOrchestration("GpuJob", ctx -> ctx.complete(
                    ctx.callActivity("Render", null, TaskOptions.withTaskQueue("gpu"), String.class).await()))
            // Locks alice and bob, then waits for an event inside the critical section.
            .addOrchestration("HoldsLock", ctx -> {
                try (var lock = ctx.lockEntities(ALICE, BOB)) {
                    ctx.waitForExternalEvent("Done").await();
                }
            })
            .build();

    private TestOrchestrations() {
    }

    static JsonNode json(Object value) {
        return Json.toTree(value);
    }

    static StartOrchestration start(String name, Object input, Instant requestedTime) {
        return new StartOrchestration(ID, name, json(input), null, null, requestedTime);
    }
}
