package io.durablekafka.node.instance;

import static io.durablekafka.node.instance.EngineHarness.T0;
import static io.durablekafka.node.instance.EngineHarness.dispatched;
import static io.durablekafka.node.instance.EngineHarness.effects;
import static io.durablekafka.node.instance.EngineHarness.published;
import static io.durablekafka.node.instance.TestOrchestrations.ID;
import static io.durablekafka.node.instance.TestOrchestrations.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.DueItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A start with a future {@code scheduledStartTime}: Pending until its timer fires, events kept meanwhile. */
class ScheduledStartTest {

    static final Instant AT = T0.plus(Duration.ofHours(1));

    private final EngineHarness node = new EngineHarness(TestOrchestrations.REGISTRY);

    private StepResult scheduleWaitForGo(Instant at) {
        return node.send(new StartOrchestration(ID, "WaitForGo", null, null, at, T0)).step();
    }

    @Test
    void aStartInTheFutureLeavesTheInstancePendingWithAStartTimer() {
        StepResult step = scheduleWaitForGo(AT);

        assertEquals(RuntimeStatus.Pending, node.instance(ID).status());
        assertEquals(List.of(new DueItem.Timer(ID, StartHandler.SCHEDULED_START_TIMER, AT)),
                effects(step, Effect.ArmTimer.class).stream().map(Effect.ArmTimer::timer).toList());
        assertEquals(RuntimeStatus.Pending, published(step).getFirst().runtimeStatus());
        assertEquals(List.of(), node.history(ID), "nothing has run yet");
        assertEquals(List.of(), dispatched(step));
    }

    @Test
    void eventsBeforeTheStartAreKeptAndDeliveredWhenTheTimerStartsTheExecution() {
        scheduleWaitForGo(AT);
        node.advance(Duration.ofMinutes(10));
        StepResult early = node.send(new RaiseEvent(ID, "Go", json("early bird"))).step();
        assertEquals(List.of(), node.history(ID));
        assertEquals(1, node.instance(ID).deferred().size());
        assertFalse(early.ended());

        node.now = AT;
        StepResult started = node.fire(node.timers.iterator().next());

        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
        assertEquals(RuntimeStatus.Running, published(started).getFirst().runtimeStatus());
        String execution = node.instance(ID).executionId();
        assertEquals(List.of(new ActivityRequest(ID, execution, 0, "A", json("early bird"))), dispatched(started));
        List<HistoryEvent> history = node.history(ID);
        assertEquals(new HistoryEvent.ExecutionStarted(AT, "WaitForGo", execution, null, null, null, null), history.get(0));
        assertEquals(new HistoryEvent.EventRaised(AT, "Go", json("early bird")), history.get(1),
                "the kept event enters history when it is delivered");
        assertEquals(List.of(), node.instance(ID).deferred());
        assertEquals(T0, node.instance(ID).createdTime(), "created when the client asked");
    }

    @Test
    void aScheduledStartTimeInThePastStartsAtOnce() {
        StepResult step = scheduleWaitForGo(T0.minusSeconds(5));

        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
        assertEquals(List.of(), effects(step, Effect.ArmTimer.class));
    }

    @Test
    void terminatingAPendingInstanceCancelsItsStart() {
        scheduleWaitForGo(AT);
        var startTimer = node.timers.iterator().next();

        StepResult step = node.send(new TerminateOrchestration(ID, "never mind")).step();

        assertTrue(step.ended());
        assertEquals(RuntimeStatus.Terminated, node.instance(ID).status());
        assertTrue(node.timers.isEmpty());
        node.now = AT;
        assertFalse(node.fire(startTimer).stateChanged(), "a start timer that fires anyway starts nothing");
    }
}
