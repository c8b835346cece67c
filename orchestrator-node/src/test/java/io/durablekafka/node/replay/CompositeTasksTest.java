package io.durablekafka.node.replay;

import static io.durablekafka.node.replay.Events.INSTANCE;
import static io.durablekafka.node.replay.Events.EXECUTION;
import static io.durablekafka.node.replay.Events.T0;
import static io.durablekafka.node.replay.Events.completed;
import static io.durablekafka.node.replay.Events.failed;
import static io.durablekafka.node.replay.Events.json;
import static io.durablekafka.node.replay.Events.scheduled;
import static io.durablekafka.node.replay.Events.started;
import static io.durablekafka.node.replay.Events.t;
import static io.durablekafka.node.replay.Events.timerCreated;
import static io.durablekafka.node.replay.Events.timerFired;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.Task;
import io.durablekafka.sdk.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fan-out/fan-in with {@code allOf}, races with {@code anyOf}: results in history order, live and on replay. */
class CompositeTasksTest {

    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            // Squares 1..3 in parallel; the output is the list of squares in call order.
            .addOrchestration("FanOut", ctx -> {
                List<Task<Long>> squares = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    squares.add(ctx.callActivity("Square", i, Long.class));
                }
                ctx.complete(ctx.allOf(squares).await());
            })
            // Three calls in parallel; the output is the message of the failure allOf reports.
            .addOrchestration("FanOutWithFailures", ctx -> {
                List<Task<String>> calls = List.of(ctx.callActivity("A", null, String.class),
                        ctx.callActivity("B", null, String.class), ctx.callActivity("C", null, String.class));
                try {
                    ctx.allOf(calls).await();
                    ctx.complete("all fine");
                } catch (TaskFailedException e) {
                    ctx.complete("first failure: " + e.getErrorDetails().errorMessage());
                }
            })
            // A race of A and B; the output names the winner.
            .addOrchestration("Race", ctx -> {
                Task<String> a = ctx.callActivity("A", null, String.class);
                Task<String> b = ctx.callActivity("B", null, String.class);
                Task<?> first = ctx.anyOf(a, b).await();
                ctx.complete(first == a ? "A" : "B");
            })
            // A race decided, then reported by an activity: the output names the winner once the report is done.
            .addOrchestration("RaceAndReport", ctx -> {
                Task<String> a = ctx.callActivity("A", null, String.class);
                Task<String> b = ctx.callActivity("B", null, String.class);
                String winner = ctx.anyOf(a, b).await() == a ? "A" : "B";
                ctx.callActivity("Report", winner).await();
                ctx.complete(winner);
            })
            // Starts A and B, sleeps, and only then asks which of them finished first.
            .addOrchestration("LateRace", ctx -> {
                Task<String> a = ctx.callActivity("A", null, String.class);
                Task<String> b = ctx.callActivity("B", null, String.class);
                ctx.createTimer(Duration.ofHours(1)).await();
                ctx.complete(ctx.anyOf(a, b).await() == a ? "A" : "B");
            })
            .build();

    private final ReplayHarness live = new ReplayHarness(REGISTRY, 100);

    @Test
    void fanOutSchedulesEveryActivityInOneStep() {
        OrchestratorResponse response = live.start(started("FanOut", null));

        assertEquals(List.of(new Action.ScheduleActivity(0, "Square", json(1), "default"),
                new Action.ScheduleActivity(1, "Square", json(2), "default"),
                new Action.ScheduleActivity(2, "Square", json(3), "default")), response.actions());
    }

    @Test
    void fanInWaitsForEveryResultAndKeepsCallOrderWhateverTheCompletionOrder() {
        live.start(started("FanOut", null));

        OrchestratorResponse third = live.deliver(t(1), completed(1, 2, 9));
        OrchestratorResponse first = live.deliver(t(2), completed(2, 0, 1));
        assertNull(third.completion());
        assertNull(first.completion());

        OrchestratorResponse second = live.deliver(t(3), completed(3, 1, 4));
        assertEquals(new OrchestratorResponse.Completed(json(List.of(1L, 4L, 9L))), second.completion());
    }

    @Test
    void fanInGivesTheSameResultWhenReplayedFromHistory() {
        List<HistoryEvent> past = List.of(started("FanOut", null),
                scheduled(0, 0, "Square", 1), scheduled(0, 1, "Square", 2), scheduled(0, 2, "Square", 3),
                completed(1, 2, 9), completed(2, 0, 1));
        var runner = new OrchestrationRunner(REGISTRY, 100, Duration.ofSeconds(10));

        OrchestratorResponse response = runner.run(new OrchestratorRequest(INSTANCE, EXECUTION, past.size(), () -> past,
                List.of(completed(3, 1, 4)), t(3)));

        assertEquals(new OrchestratorResponse.Completed(json(List.of(1L, 4L, 9L))), response.completion());
    }

    @Test
    void allOfFailsOnlyOnceEveryTaskIsDoneWithTheFirstFailureInHistoryOrder() {
        live.start(started("FanOutWithFailures", null));

        assertNull(live.deliver(t(1), failed(1, 1, "B broke")).completion());
        assertNull(live.deliver(t(2), failed(2, 2, "C broke")).completion());
        OrchestratorResponse last = live.deliver(t(3), completed(3, 0, "a"));

        assertEquals(new OrchestratorResponse.Completed(json("first failure: B broke")), last.completion());
    }

    @Test
    void anyOfIsWonByTheFirstCompletion() {
        live.start(started("Race", null));

        OrchestratorResponse response = live.deliver(t(1), completed(1, 1, "b"));

        assertEquals(new OrchestratorResponse.Completed(json("B")), response.completion());
    }

    @Test
    void anyOfIsWonByTheFirstCompletionInHistoryOrderWhenBothArriveInOneStep() {
        live.start(started("Race", null));

        OrchestratorResponse response = live.deliver(t(1), completed(1, 1, "b"), completed(1, 0, "a"));

        assertEquals(new OrchestratorResponse.Completed(json("B")), response.completion());
    }

    @Test
    void anyOfPicksTheSameWinnerWhenReplayedAfterACacheMiss() {
        live.start(started("RaceAndReport", null));
        OrchestratorResponse decided = live.deliver(t(1), completed(1, 1, "b"), completed(1, 0, "a"));
        assertEquals(List.of(new Action.ScheduleActivity(2, "Report", json("B"), "default")), decided.actions());

        // A node that never ran this instance replays the stored history and finishes it.
        var elsewhere = new ReplayHarness(new OrchestrationRunner(REGISTRY, 100, Duration.ofSeconds(10)), INSTANCE);
        elsewhere.stored.addAll(live.stored);
        OrchestratorResponse done = elsewhere.deliver(t(2), completed(2, 2, null));

        assertEquals(1, elsewhere.pastReads);
        assertEquals(new OrchestratorResponse.Completed(json("B")), done.completion());
    }

    @Test
    void anyOfOverTasksThatAreAlreadyDoneIsWonByTheEarlierCompletionInHistory() {
        var fireAt = T0.plus(Duration.ofHours(1));
        var runner = new OrchestrationRunner(REGISTRY, 0, Duration.ofSeconds(10));
        for (var order : List.of(List.of(1, 0), List.of(0, 1))) {
            List<HistoryEvent> past = List.of(started("LateRace", null),
                    scheduled(0, 0, "A", null), scheduled(0, 1, "B", null), timerCreated(0, 2, fireAt),
                    completed(1, order.get(0), "first"), completed(2, order.get(1), "second"));

            OrchestratorResponse response = runner.run(new OrchestratorRequest(INSTANCE, EXECUTION, past.size(),
                    () -> past, List.of(timerFired(3600, 2, fireAt)), t(3600)));

            String expectedWinner = order.get(0) == 0 ? "A" : "B";
            assertEquals(new OrchestratorResponse.Completed(json(expectedWinner)), response.completion(),
                    "completions in history order " + order);
        }
    }
}
