package io.durablekafka.node.replay;

import static io.durablekafka.node.replay.Events.T0;
import static io.durablekafka.node.replay.Events.completed;
import static io.durablekafka.node.replay.Events.json;
import static io.durablekafka.node.replay.Events.raised;
import static io.durablekafka.node.replay.Events.started;
import static io.durablekafka.node.replay.Events.t;
import static io.durablekafka.node.replay.Events.timerCreated;
import static io.durablekafka.node.replay.Events.timerFired;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.TaskCanceledException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durable timers, external events (with timeouts, buffering, case-insensitive names) and continue-as-new. */
class TimersAndEventsTest {

    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            .addOrchestration("Sleep", ctx -> {
                ctx.createTimer(FIVE_MINUTES).await();
                ctx.complete(ctx.getCurrentInstant());
            })
            .addOrchestration("Approval", ctx -> {
                try {
                    Boolean approved = ctx.waitForExternalEvent("Approval", Duration.ofHours(1), Boolean.class).await();
                    ctx.complete(approved ? "approved" : "rejected");
                } catch (TaskCanceledException e) {
                    ctx.complete("timed out");
                }
            })
            .addOrchestration("PrepareThenWait", ctx -> {
                ctx.callActivity("Prepare").await();
                ctx.complete(ctx.waitForExternalEvent("go", String.class).await());
            })
            .addOrchestration("TwoItems", ctx -> {
                String first = ctx.waitForExternalEvent("Item", String.class).await();
                String second = ctx.waitForExternalEvent("Item", String.class).await();
                ctx.complete(List.of(first, second));
            })
            .addOrchestration("CountTo3", ctx -> {
                int n = ctx.getInput(Integer.class);
                if (n < 3) {
                    ctx.continueAsNew(n + 1);
                } else {
                    ctx.complete(n);
                }
            })
            .addOrchestration("WorkThenContinue", ctx -> {
                boolean preserve = ctx.getInput(Boolean.class);
                ctx.callActivity("Work").await();
                ctx.continueAsNew(preserve, preserve);
            })
            .addOrchestration("TakeExtra", ctx -> ctx.complete(ctx.waitForExternalEvent("Extra", Integer.class).await()))
            .build();

    private final ReplayHarness live = new ReplayHarness(REGISTRY, 100);

    @Test
    void aTimerFiresAtTheOrchestrationsTimePlusItsDelay() {
        OrchestratorResponse start = live.start(started("Sleep", null));

        Instant fireAt = T0.plus(FIVE_MINUTES);
        assertEquals(List.of(new Action.CreateTimer(0, fireAt)), start.actions());
        assertEquals(timerCreated(0, 0, fireAt), start.appended().getLast());

        OrchestratorResponse fired = live.deliver(t(301), timerFired(301, 0, fireAt));
        assertEquals(new OrchestratorResponse.Completed(json(t(301))), fired.completion(),
                "after the timer the orchestration's clock is the time the timer fired");
    }

    @Test
    void anEventThatComesBeforeItsTimeoutCompletesTheWait() {
        OrchestratorResponse start = live.start(started("Approval", null));
        assertEquals(List.of(new Action.CreateTimer(0, T0.plus(Duration.ofHours(1)))), start.actions());

        OrchestratorResponse response = live.deliver(t(10), raised(10, "Approval", true));

        assertEquals(new OrchestratorResponse.Completed(json("approved")), response.completion());
    }

    @Test
    void aTimeoutThatComesBeforeTheEventCancelsTheWait() {
        live.start(started("Approval", null));
        Instant fireAt = T0.plus(Duration.ofHours(1));

        OrchestratorResponse response = live.deliver(fireAt, timerFired(3600, 0, fireAt));

        assertEquals(new OrchestratorResponse.Completed(json("timed out")), response.completion());
    }

    @Test
    void anEventRaisedBeforeTheWaitIsBufferedAndMatchedIgnoringCase() {
        live.start(started("PrepareThenWait", null));

        OrchestratorResponse early = live.deliver(t(1), raised(1, "GO", "now!"));
        assertEquals(List.of(raised(1, "GO", "now!")), early.appended(), "the event enters history at once");
        assertEquals(List.of(), early.actions());
        assertNull(early.completion());

        OrchestratorResponse prepared = live.deliver(t(2), completed(2, 0, null));
        assertEquals(new OrchestratorResponse.Completed(json("now!")), prepared.completion());
    }

    @Test
    void eventsWithTheSameNameAreDeliveredInArrivalOrder() {
        live.start(started("TwoItems", null));

        OrchestratorResponse response = live.deliver(t(1), raised(1, "item", "first"), raised(1, "ITEM", "second"));

        assertEquals(new OrchestratorResponse.Completed(json(List.of("first", "second"))), response.completion());
    }

    @Test
    void continueAsNewEndsTheExecutionWithTheNewInput() {
        OrchestratorResponse response = live.start(started("CountTo3", 0));

        assertEquals(new OrchestratorResponse.ContinuedAsNew(json(1), List.of()), response.completion());
        assertEquals(new HistoryEvent.ExecutionCompleted(T0, RuntimeStatus.ContinuedAsNew, json(1), null),
                response.appended().getLast());
    }

    @Test
    void continueAsNewCarriesUnprocessedEventsOverWhenAskedTo() {
        live.start(started("WorkThenContinue", true));
        live.deliver(t(1), raised(1, "Extra", 42));

        OrchestratorResponse response = live.deliver(t(2), completed(2, 0, null));

        var next = assertInstanceOf(OrchestratorResponse.ContinuedAsNew.class, response.completion());
        assertEquals(List.of(raised(1, "Extra", 42)), next.carriedOver());

        // The next execution finds the event waiting for it.
        var nextRun = new ReplayHarness(REGISTRY, 100);
        OrchestratorResponse second = nextRun.start(started(2, "TakeExtra", null), next.carriedOver().toArray(HistoryEvent[]::new));
        assertEquals(new OrchestratorResponse.Completed(json(42)), second.completion());
    }

    @Test
    void continueAsNewDropsUnprocessedEventsUnlessAskedToKeepThem() {
        live.start(started("WorkThenContinue", false));
        live.deliver(t(1), raised(1, "Extra", 42));

        OrchestratorResponse response = live.deliver(t(2), completed(2, 0, null));

        assertEquals(new OrchestratorResponse.ContinuedAsNew(json(false), List.of()), response.completion());
    }
}
