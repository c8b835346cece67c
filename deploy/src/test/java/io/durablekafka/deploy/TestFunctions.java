package io.durablekafka.deploy;

import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.RetryPolicy;
import io.durablekafka.sdk.TaskOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Orchestrations that exercise one engine feature each. Registered through {@code ServiceLoader} too, so that
 * a node in a child process (started with this test class path) runs them.
 */
public final class TestFunctions implements io.durablekafka.sdk.FunctionProvider {

    /** Attempts per key, for activities and orchestrations that behave differently on later runs. */
    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    /** The samples and these, as the class path's providers give them. */
    static FunctionRegistry registry() {
        return FunctionRegistry.discover();
    }

    @Override
    public void register(FunctionRegistry.Builder b) {
        b
                // Fails twice, then succeeds: retried by policy to success.
                .addActivity("Flaky", ctx -> {
                    int attempt = RUNS.computeIfAbsent("Flaky|" + ctx.getInput(String.class), k -> new AtomicInteger()).incrementAndGet();
                    if (attempt < 3) {
                        throw new IllegalStateException("flaky failure #" + attempt);
                    }
                    return "succeeded after " + attempt + " attempts";
                })
                .addOrchestration("RetryFlaky", ctx -> ctx.complete(ctx.callActivity("Flaky", ctx.getInstanceId(),
                        TaskOptions.withRetryPolicy(new RetryPolicy(4, Duration.ofMillis(100)).setBackoffCoefficient(2)),
                        String.class).await()))
                .addActivity("Throw", ctx -> {
                    throw new IllegalArgumentException("kaboom: " + ctx.getInput(String.class));
                })
                .addOrchestration("Boom", ctx -> ctx.complete(ctx.callActivity("Throw", "no retry", String.class).await()))
                // Asks for a different activity on replay than it did live.
                .addOrchestration("Flip", ctx -> {
                    int run = RUNS.computeIfAbsent("Flip|" + ctx.getInstanceId(), k -> new AtomicInteger()).incrementAndGet();
                    if (run == 1) {
                        ctx.callActivity("SayHello", "first", String.class).await();
                    } else {
                        ctx.callActivity("Square", 2, Long.class).await();
                    }
                    ctx.complete("unreachable");
                })
                // Says hello through an activity, then waits for event "Go" (tracing tests).
                .addOrchestration("HelloThenGo", ctx -> {
                    String hello = ctx.callActivity("SayHello", "trace", String.class).await();
                    ctx.complete(hello + " " + ctx.waitForExternalEvent("Go", String.class).await());
                })
                // Waits for event "Go" and outputs its payload.
                .addOrchestration("WaitForGo", ctx -> ctx.complete(ctx.waitForExternalEvent("Go", String.class).await()))
                // Sleeps on a durable timer first, so an event raised at start arrives before the wait.
                .addOrchestration("TimerThenWait", ctx -> {
                    ctx.createTimer(Duration.ofMillis(500)).await();
                    ctx.complete(ctx.waitForExternalEvent("Go", String.class).await());
                })
                // A durable timer between two steps; outputs the orchestration-time delay it observed.
                .addOrchestration("Sleep", ctx -> {
                    var before = ctx.getCurrentInstant();
                    ctx.createTimer(Duration.ofSeconds(1)).await();
                    ctx.complete(Duration.between(before, ctx.getCurrentInstant()).toMillis());
                })
                // Fails the first time it runs for an instance, succeeds afterwards: a rewind candidate.
                .addActivity("FailOnce", ctx -> {
                    int run = RUNS.computeIfAbsent("FailOnce|" + ctx.getInstanceId(), k -> new AtomicInteger()).incrementAndGet();
                    if (run == 1) {
                        throw new IllegalStateException("first run fails");
                    }
                    return "ok on run " + run;
                })
                .addActivity("CountedHello", ctx -> {
                    RUNS.computeIfAbsent("CountedHello|" + ctx.getInstanceId(), k -> new AtomicInteger()).incrementAndGet();
                    return "hello";
                })
                .addOrchestration("RewindMe", ctx -> {
                    String hello = ctx.callActivity("CountedHello", null, String.class).await();
                    ctx.complete(hello + " / " + ctx.callActivity("FailOnce", null, String.class).await());
                })
                // Starts a child under an ID that is already running.
                .addOrchestration("ClashingChild", ctx -> {
                    try {
                        ctx.callSubOrchestrator("WaitForGo", null, ctx.getInput(String.class), null, String.class).await();
                        ctx.complete("no clash");
                    } catch (io.durablekafka.sdk.TaskFailedException e) {
                        ctx.complete(e.getErrorDetails().errorType());
                    }
                })
                .addOrchestration("RewindParent", ctx -> ctx.complete("child said: "
                        + ctx.callSubOrchestrator("RewindMe", null, String.class).await()))
                // An activity, a durable timer, an activity; outputs both greetings (input: a tag for the inputs).
                .addOrchestration("HelloTimerHello", ctx -> {
                    String tag = ctx.getInput(String.class);
                    String first = ctx.callActivity("SayHello", tag + "-1", String.class).await();
                    ctx.createTimer(Duration.ofSeconds(2)).await();
                    String second = ctx.callActivity("SayHello", tag + "-2", String.class).await();
                    ctx.complete(java.util.List.of(first, second));
                })
                // HelloCities as a sub-orchestration under a known instance ID, {@code <parent ID>-child}.
                .addOrchestration("HelloCitiesParent", ctx -> ctx.complete(ctx.callSubOrchestrator("HelloCities", null,
                        ctx.getInstanceId() + "-child", null, com.fasterxml.jackson.databind.JsonNode.class).await()))
                // Input {"dir", "name"}: says hello once SlowHello (below) may finish (ChaosTest kills its worker).
                .addOrchestration("HelloSlow", ctx -> ctx.complete(ctx.callActivity("SlowHello",
                        ctx.getInput(com.fasterxml.jackson.databind.JsonNode.class), String.class).await()))
                // Input {"dir", "name"}: writes <dir>/<name>.<pid>.started, then holds until <dir>/<name>.release
                // exists (at most 2 minutes), so that a test can kill the worker process running it.
                .addActivity("SlowHello", ctx -> {
                    com.fasterxml.jackson.databind.JsonNode in = ctx.getInput(com.fasterxml.jackson.databind.JsonNode.class);
                    java.nio.file.Path dir = java.nio.file.Path.of(in.path("dir").asText());
                    String name = in.path("name").asText();
                    java.nio.file.Files.writeString(dir.resolve(name + "." + ProcessHandle.current().pid() + ".started"), "");
                    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    while (!java.nio.file.Files.exists(dir.resolve(name + ".release")) && System.nanoTime() < deadline) {
                        io.durablekafka.kafka.Conditions.pause();
                    }
                    return "Hello " + name + "!";
                })
                // Input {"key", "times"}: signals add(1) to Counter <key> that many times; outputs the count.
                .addOrchestration("SignalCounter", ctx -> {
                    com.fasterxml.jackson.databind.JsonNode in = ctx.getInput(com.fasterxml.jackson.databind.JsonNode.class);
                    int times = in.path("times").asInt();
                    for (int i = 0; i < times; i++) {
                        ctx.signalEntity(new io.durablekafka.sdk.EntityInstanceId("Counter", in.path("key").asText()), "add", 1);
                    }
                    ctx.complete(times);
                })
                // Input {"entity": "@name@key", "op", "input"?}: calls the entity (an SDK worker's, in
                // DurableTaskJsSdkTest); outputs its result or "failed: <message>".
                .addOrchestration("CallSdkEntity", ctx -> {
                    com.fasterxml.jackson.databind.JsonNode in = ctx.getInput(com.fasterxml.jackson.databind.JsonNode.class);
                    var entity = io.durablekafka.sdk.EntityInstanceId.parse(in.path("entity").asText());
                    try {
                        ctx.complete(ctx.callEntity(entity, in.path("op").asText(), in.get("input"),
                                com.fasterxml.jackson.databind.JsonNode.class).await());
                    } catch (io.durablekafka.sdk.EntityOperationFailedException e) {
                        ctx.complete("failed: " + e.getErrorDetails().errorMessage());
                    }
                });
    }
}
