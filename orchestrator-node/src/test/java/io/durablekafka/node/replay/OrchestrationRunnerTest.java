package io.durablekafka.node.replay;

import static io.durablekafka.node.replay.Events.EXECUTION;
import static io.durablekafka.node.replay.Events.INSTANCE;
import static io.durablekafka.node.replay.Events.T0;
import static io.durablekafka.node.replay.Events.completed;
import static io.durablekafka.node.replay.Events.failed;
import static io.durablekafka.node.replay.Events.json;
import static io.durablekafka.node.replay.Events.scheduled;
import static io.durablekafka.node.replay.Events.started;
import static io.durablekafka.node.replay.Events.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The replay core on hand-built histories: what a step appends, which actions it takes, how an execution ends. */
class OrchestrationRunnerTest {

    /** SayHello for three cities in sequence; the output is the list of greetings. */
    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            .addOrchestration("HelloCities", ctx -> {
                List<String> greetings = new ArrayList<>();
                for (String city : List.of("Tokyo", "Seattle", "London")) {
                    greetings.add(ctx.callActivity("SayHello", city, String.class).await());
                }
                ctx.complete(greetings);
            })
            .addOrchestration("Throws", ctx -> {
                throw new IllegalArgumentException("bad input: " + ctx.getInput(String.class));
            })
            .addOrchestration("Unhandled", ctx -> ctx.complete(ctx.callActivity("SayHello", "x", String.class).await()))
            // The output says whether the code was replaying when it called SayHello.
            .addOrchestration("ReportsReplaying", ctx -> {
                boolean replaying = ctx.getIsReplaying();
                ctx.callActivity("SayHello", "x", String.class).await();
                ctx.complete(replaying);
            })
            .addOrchestration("SwallowsEverything", ctx -> {
                try {
                    ctx.complete(ctx.callActivity("SayHello", "Tokyo", String.class).await());
                } catch (RuntimeException e) {
                    ctx.complete("swallowed " + e);
                }
            })
            .build();

    private final OrchestrationRunner runner = new OrchestrationRunner(REGISTRY, 100, Duration.ofSeconds(10));

    /** A step of an execution whose stored history is {@code past}, at the time of the first new event. */
    private OrchestratorResponse run(List<HistoryEvent> past, HistoryEvent... newEvents) {
        return runner.run(new OrchestratorRequest(INSTANCE, EXECUTION, past.size(), () -> past, List.of(newEvents),
                newEvents[0].timestamp()));
    }

    @Test
    void aFreshStartRecordsTheStartAndSchedulesTheFirstActivity() {
        OrchestratorResponse response = runner.run(OrchestratorRequest.newExecution(INSTANCE, started("HelloCities", null), List.of()));

        assertEquals(List.of(new Action.ScheduleActivity(0, "SayHello", json("Tokyo"), "default")), response.actions());
        assertEquals(List.of(started("HelloCities", null), scheduled(0, 0, "SayHello", "Tokyo")), response.appended());
        assertNull(response.completion());
    }

    @Test
    void aCompletionIsAppendedFollowedByTheActionItCaused() {
        List<HistoryEvent> past = List.of(started("HelloCities", null), scheduled(0, 0, "SayHello", "Tokyo"));

        OrchestratorResponse response = run(past, completed(5, 0, "Hello Tokyo!"));

        assertEquals(List.of(new Action.ScheduleActivity(1, "SayHello", json("Seattle"), "default")), response.actions());
        assertEquals(List.of(completed(5, 0, "Hello Tokyo!"), scheduled(5, 1, "SayHello", "Seattle")), response.appended());
        assertNull(response.completion());
    }

    @Test
    void theLastCompletionCompletesTheExecutionWithItsOutput() {
        List<HistoryEvent> past = List.of(started("HelloCities", null),
                scheduled(0, 0, "SayHello", "Tokyo"), completed(1, 0, "Hello Tokyo!"),
                scheduled(1, 1, "SayHello", "Seattle"), completed(2, 1, "Hello Seattle!"),
                scheduled(2, 2, "SayHello", "London"));

        OrchestratorResponse response = run(past, completed(3, 2, "Hello London!"));

        var output = json(List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!"));
        assertEquals(new OrchestratorResponse.Completed(output), response.completion());
        assertEquals(List.of(completed(3, 2, "Hello London!"),
                new HistoryEvent.ExecutionCompleted(t(3), RuntimeStatus.Completed, output, null)), response.appended());
        assertTrue(response.actions().isEmpty());
    }

    @Test
    void aDuplicateCompletionIsNeitherAppendedNorActedOn() {
        List<HistoryEvent> past = List.of(started("HelloCities", null),
                scheduled(0, 0, "SayHello", "Tokyo"), completed(1, 0, "Hello Tokyo!"),
                scheduled(1, 1, "SayHello", "Seattle"));

        OrchestratorResponse response = run(past, completed(2, 0, "Hello Tokyo!"));

        assertEquals(List.of(), response.appended());
        assertEquals(List.of(), response.actions());
        assertNull(response.completion());
    }

    @Test
    void aCompletionDeliveredTwiceInOneStepIsAppendedOnce() {
        List<HistoryEvent> past = List.of(started("HelloCities", null), scheduled(0, 0, "SayHello", "Tokyo"));

        OrchestratorResponse response = run(past, completed(1, 0, "Hello Tokyo!"), completed(1, 0, "Hello Tokyo!"));

        assertEquals(List.of(completed(1, 0, "Hello Tokyo!"), scheduled(1, 1, "SayHello", "Seattle")), response.appended());
        assertEquals(1, response.actions().size());
    }

    @Test
    void aDuplicateCompletionIsIgnoredByACachedExecutionToo() {
        ReplayHarness live = new ReplayHarness(REGISTRY, 100);
        live.start(started("HelloCities", null));
        live.deliver(t(1), completed(1, 0, "Hello Tokyo!"));

        OrchestratorResponse duplicate = live.deliver(t(2), completed(2, 0, "Hello Tokyo!"));

        assertEquals(0, live.pastReads, "the cached execution handled it");
        assertEquals(List.of(), duplicate.appended());
        assertEquals(List.of(), duplicate.actions());
    }

    @Test
    void aResultForATaskThatWasNeverScheduledIsIgnored() {
        List<HistoryEvent> past = List.of(started("HelloCities", null), scheduled(0, 0, "SayHello", "Tokyo"));

        OrchestratorResponse response = run(past, completed(1, 7, "stray"), failed(1, 3, "stray"));

        assertEquals(List.of(), response.appended());
        assertNull(response.completion());
    }

    @Test
    void codeThatThrowsFailsTheExecutionWithTheExceptionsDetails() {
        OrchestratorResponse response = runner.run(OrchestratorRequest.newExecution(INSTANCE, started("Throws", "x"), List.of()));

        var failed = assertInstanceOf(OrchestratorResponse.Failed.class, response.completion());
        assertEquals(IllegalArgumentException.class.getName(), failed.failure().errorType());
        assertEquals("bad input: x", failed.failure().errorMessage());
        assertNotNull(failed.failure().stackTrace());
        assertEquals(new HistoryEvent.ExecutionCompleted(T0, RuntimeStatus.Failed, null, failed.failure()),
                response.appended().getLast());
    }

    @Test
    void anActivityFailureTheCodeDoesNotCatchFailsTheExecution() {
        List<HistoryEvent> past = List.of(started("Unhandled", null), scheduled(0, 0, "SayHello", "x"));

        OrchestratorResponse response = run(past, failed(1, 0, "no greeting today"));

        var failed = assertInstanceOf(OrchestratorResponse.Failed.class, response.completion());
        assertEquals(TaskFailedException.class.getName(), failed.failure().errorType());
        assertTrue(failed.failure().errorMessage().contains("'SayHello' (#0)"), failed.failure().errorMessage());
        assertTrue(failed.failure().errorMessage().contains("no greeting today"), failed.failure().errorMessage());
    }

    @Test
    void anUnknownOrchestrationFailsAsOrchestratorNotFound() {
        OrchestratorResponse response = runner.run(OrchestratorRequest.newExecution(INSTANCE, started("NoSuchThing", null), List.of()));

        var failed = assertInstanceOf(OrchestratorResponse.Failed.class, response.completion());
        assertEquals("OrchestratorNotFound", failed.failure().errorType());
        assertTrue(failed.failure().errorMessage().contains("NoSuchThing"));
        assertEquals(List.of(started("NoSuchThing", null),
                new HistoryEvent.ExecutionCompleted(T0, RuntimeStatus.Failed, null, failed.failure())), response.appended());
    }

    @Test
    void codeThatCallsSomethingElseThanHistoryRecordsFailsAsNonDeterministic() {
        // History says step 0 was SayGoodbye; the code (HelloCities) now asks for SayHello.
        List<HistoryEvent> past = List.of(started("HelloCities", null), scheduled(0, 0, "SayGoodbye", "Tokyo"));

        OrchestratorResponse response = run(past, completed(1, 0, "Bye"));

        var failed = assertInstanceOf(OrchestratorResponse.Failed.class, response.completion());
        assertEquals("NonDeterministicOrchestrationException", failed.failure().errorType());
        String message = failed.failure().errorMessage();
        assertTrue(message.contains("step 0 was activity 'SayGoodbye'"), message);
        assertTrue(message.contains("now asks for activity 'SayHello'"), message);
        assertEquals(RuntimeStatus.Failed, ((HistoryEvent.ExecutionCompleted) response.appended().getLast()).orchestrationStatus());
        assertTrue(response.actions().isEmpty());
    }

    @Test
    void nonDeterminismCannotBeSwallowedByOrchestratorCode() {
        List<HistoryEvent> past = List.of(started("SwallowsEverything", null), scheduled(0, 0, "SayGoodbye", "Tokyo"));

        OrchestratorResponse response = run(past, completed(1, 0, "Bye"));

        var failed = assertInstanceOf(OrchestratorResponse.Failed.class, response.completion());
        assertEquals("NonDeterministicOrchestrationException", failed.failure().errorType());
    }

    @Test
    void codeThatRunsTooLongWithoutAwaitingFailsTheExecution() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        var registry = FunctionRegistry.builder().addOrchestration("Blocks", ctx -> {
            try {
                release.await(); // blocking I/O in orchestrator code: forbidden
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).build();
        var impatient = new OrchestrationRunner(registry, 100, Duration.ofMillis(100));
        try {
            OrchestratorResponse response = impatient.run(OrchestratorRequest.newExecution(INSTANCE, started("Blocks", null), List.of()));

            var failed = assertInstanceOf(OrchestratorResponse.Failed.class, response.completion());
            assertTrue(failed.failure().errorMessage().contains("without awaiting a task"), failed.failure().errorMessage());
            assertEquals(0, impatient.cachedExecutions());
        } finally {
            release.countDown();
        }
    }

    @Test
    void anExecutionLeavesTheCacheWhenItEnds() {
        ReplayHarness live = new ReplayHarness(runner, INSTANCE);
        live.start(started("HelloCities", null));
        assertEquals(1, runner.cachedExecutions());

        live.deliver(t(1), completed(1, 0, "a"));
        live.deliver(t(2), completed(2, 1, "b"));
        OrchestratorResponse last = live.deliver(t(3), completed(3, 2, "c"));

        assertInstanceOf(OrchestratorResponse.Completed.class, last.completion());
        assertEquals(0, runner.cachedExecutions());
    }

    @Test
    void theCodeIsToldWhenItIsReplayingRecordedSteps() {
        ReplayHarness live = new ReplayHarness(REGISTRY, 100);
        live.start(started("ReportsReplaying", null));
        OrchestratorResponse cached = live.deliver(t(1), completed(1, 0, "hi"));

        OrchestratorResponse replayed = run(List.of(started("ReportsReplaying", null), scheduled(0, 0, "SayHello", "x")),
                completed(1, 0, "hi"));

        assertEquals(new OrchestratorResponse.Completed(json(false)), cached.completion(), "the live run never replays");
        assertEquals(new OrchestratorResponse.Completed(json(true)), replayed.completion(), "the rebuilt run replayed that call");
    }
}
