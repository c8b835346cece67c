package io.durablekafka.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.examples.reports.GenerateReport;
import io.durablekafka.sdk.FunctionProvider;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.Task;
import io.durablekafka.sdk.TaskCanceledException;
import io.durablekafka.sdk.TaskOrchestrationContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sample orchestrations, activities and entities ({@link Counter}, {@link Account}, used by {@link Transfer})
 * loaded by the local launcher (found through
 * {@code META-INF/services/io.durablekafka.sdk.FunctionProvider}).
 */
public final class Samples implements FunctionProvider {

    @Override
    public void register(FunctionRegistry.Builder registry) {
        registry.addOrchestration("HelloCities", Samples::helloCities)
                .addOrchestration("HelloSequence5", Samples::helloSequence5)
                .addOrchestration("FanOutFanIn", Samples::fanOutFanIn)
                .addOrchestration("Sequence", Samples::sequence)
                .addOrchestration("AwaitEvent", Samples::awaitEvent)
                .addOrchestration("Approval", Samples::approval)
                .addOrchestration("Parent", Samples::parent)
                .addOrchestration("Monitor", Samples::monitor)
                .addActivity("SayHello", ctx -> "Hello " + ctx.getInput(String.class) + "!")
                .addActivity("Square", ctx -> {
                    long n = ctx.getInput(Long.class);
                    return n * n;
                })
                // Durable entities, and an orchestration with a critical section over two of them.
                .addEntity("Counter", Counter::new)
                .addEntity("Account", Account::new)
                .addOrchestration("Transfer", Transfer::run);
        // The orchestration behind the reports API sample (ReportsApp), with its three activities.
        GenerateReport.register(registry);
    }

    /** Calls SayHello for three cities in sequence; output ["Hello Tokyo!","Hello Seattle!","Hello London!"]. */
    static void helloCities(TaskOrchestrationContext ctx) {
        List<String> greetings = new ArrayList<>();
        for (String city : List.of("Tokyo", "Seattle", "London")) {
            greetings.add(ctx.callActivity("SayHello", city, String.class).await());
        }
        ctx.complete(greetings);
    }

    /** Five sequential SayHello calls: the benchmark's unit of work. */
    static void helloSequence5(TaskOrchestrationContext ctx) {
        List<String> greetings = new ArrayList<>();
        for (String city : List.of("Tokyo", "Seattle", "London", "Paris", "Cairo")) {
            greetings.add(ctx.callActivity("SayHello", city, String.class).await());
        }
        ctx.complete(greetings);
    }

    /** Input n: squares 1..n in parallel and outputs the sum (385 for n = 10). */
    static void fanOutFanIn(TaskOrchestrationContext ctx) {
        Integer n = ctx.getInput(Integer.class);
        List<Task<Long>> squares = new ArrayList<>();
        for (int i = 1; i <= (n == null ? 10 : n); i++) {
            squares.add(ctx.callActivity("Square", i, Long.class));
        }
        long sum = 0;
        for (long s : ctx.allOf(squares).await()) {
            sum += s;
        }
        ctx.complete(sum);
    }

    /**
     * Input n: squares 1..n one after the other and outputs the sum, the same as FanOutFanIn but in sequence
     * (the benchmark's long history: its last steps replay or carry n - 1 earlier ones).
     */
    static void sequence(TaskOrchestrationContext ctx) {
        Integer n = ctx.getInput(Integer.class);
        long sum = 0;
        for (int i = 1; i <= (n == null ? 10 : n); i++) {
            sum += ctx.callActivity("Square", i, Long.class).await();
        }
        ctx.complete(sum);
    }

    /**
     * Waits for external event Continue, with no timer, and outputs its data: an instance that costs nothing
     * but its place in the store while it waits (the benchmark keeps a million of them waiting).
     */
    static void awaitEvent(TaskOrchestrationContext ctx) {
        ctx.complete(ctx.waitForExternalEvent("Continue", JsonNode.class).await());
    }

    /**
     * Input {"timeoutSeconds": N}: waits for external event ApprovalEvent; output "approved" or "rejected" for
     * event data true or false, "timed out" when no event came in time.
     */
    static void approval(TaskOrchestrationContext ctx) {
        JsonNode input = ctx.getInput(JsonNode.class);
        long timeoutSeconds = input == null ? 60 : input.path("timeoutSeconds").asLong(60);
        try {
            Boolean approved = ctx.waitForExternalEvent("ApprovalEvent", Duration.ofSeconds(timeoutSeconds), Boolean.class).await();
            ctx.complete(Boolean.TRUE.equals(approved) ? "approved" : "rejected");
        } catch (TaskCanceledException timedOut) {
            ctx.complete("timed out");
        }
    }

    /** Calls HelloCities as a sub-orchestration and outputs its result. */
    static void parent(TaskOrchestrationContext ctx) {
        ctx.complete(ctx.callSubOrchestrator("HelloCities", null, JsonNode.class).await());
    }

    /**
     * Input {"count": N, "intervalSeconds": S} or just N: counts down to zero, one durable timer per step,
     * continuing as new each time so that its history stays small. Output "done".
     */
    static void monitor(TaskOrchestrationContext ctx) {
        JsonNode input = ctx.getInput(JsonNode.class);
        int count = input == null || input.isNull() ? 3 : input.isNumber() ? input.asInt() : input.path("count").asInt(3);
        double interval = input != null && input.isObject() ? input.path("intervalSeconds").asDouble(1) : 1;
        ctx.setCustomStatus(Map.of("remaining", count));
        if (count <= 0) {
            ctx.complete("done");
            return;
        }
        ctx.createTimer(Duration.ofMillis((long) (interval * 1000))).await();
        ctx.continueAsNew(input != null && input.isObject()
                ? Map.of("count", count - 1, "intervalSeconds", interval) : count - 1);
    }
}
