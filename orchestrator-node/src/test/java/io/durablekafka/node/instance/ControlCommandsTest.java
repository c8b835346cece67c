package io.durablekafka.node.instance;

import static io.durablekafka.node.instance.EngineHarness.T0;
import static io.durablekafka.node.instance.EngineHarness.dispatched;
import static io.durablekafka.node.instance.EngineHarness.effects;
import static io.durablekafka.node.instance.EngineHarness.published;
import static io.durablekafka.node.instance.EngineHarness.sent;
import static io.durablekafka.node.instance.TestOrchestrations.ID;
import static io.durablekafka.node.instance.TestOrchestrations.json;
import static io.durablekafka.node.instance.TestOrchestrations.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.FailSubOrchestration;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.PurgeInstance;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.ResumeOrchestration;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.messages.SuspendOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Terminate, suspend, resume and purge. */
class ControlCommandsTest {

    private final EngineHarness node = new EngineHarness(TestOrchestrations.REGISTRY);

    private String executionId() {
        return node.instance(ID).executionId();
    }

    // ------------------------------------------------------------------------------------------ terminate

    @Test
    void terminatingAnActiveInstanceEndsItWithTheReasonAsOutputAndCancelsItsTimers() {
        node.send(start("Sleeper", null, T0));
        var timer = node.timers.iterator().next();

        StepResult step = node.send(new TerminateOrchestration(ID, "enough")).step();

        assertTrue(step.ended());
        assertEquals(RuntimeStatus.Terminated, node.instance(ID).status());
        assertEquals(json("enough"), node.instance(ID).output());
        assertEquals(new HistoryEvent.ExecutionTerminated(T0, "enough"), node.history(ID).getLast());
        assertEquals(RuntimeStatus.Terminated, published(step).getFirst().runtimeStatus());
        assertEquals(List.of(timer), effects(step, Effect.CancelTimer.class).stream().map(Effect.CancelTimer::timer).toList());
        assertTrue(node.timers.isEmpty());
        assertEquals(List.of(), node.instance(ID).timers());

        // Had the timer already left the due-time index, its firing changes nothing.
        assertFalse(node.fire(timer).stateChanged());
    }

    @Test
    void terminatingASubOrchestrationFailsItsParentsTask() {
        var parent = new StartOrchestration.ParentInstance("the-parent", "parent-exec", 0);
        node.send(new StartOrchestration(ID, "Sleeper", null, parent, null, T0));

        StepResult step = node.send(new TerminateOrchestration(ID, "enough")).step();

        var failure = assertInstanceOf(FailSubOrchestration.class, sent(step).getFirst());
        assertEquals("the-parent", failure.instanceId());
        assertEquals("OrchestrationTerminated", failure.failure().errorType());
    }

    @Test
    void terminatingAnEndedInstanceIsANoOp() {
        node.send(start("Sleeper", null, T0));
        node.send(new TerminateOrchestration(ID, "first"));

        var outcome = node.send(new TerminateOrchestration(ID, "second"));

        assertNull(outcome.rejection());
        assertFalse(outcome.step().stateChanged());
        assertEquals(json("first"), node.instance(ID).output());
    }

    @Test
    void terminatingAnUnknownInstanceIsRefused() {
        var outcome = node.send(new TerminateOrchestration("nobody", "why"));

        assertTrue(outcome.rejection().contains("does not exist"), outcome.rejection());
    }

    @Test
    void terminatingAnInstanceInsideACriticalSectionReleasesItsLocks() {
        StepResult started = node.send(start("HoldsLock", null, T0)).step();
        var request = assertInstanceOf(RequestEntityLock.class, sent(started).getFirst());
        assertEquals("@account@alice", request.instanceId());
        node.send(new GrantEntityLock(ID, executionId(), request.taskId()));

        StepResult step = node.send(new TerminateOrchestration(ID, "enough")).step();

        assertEquals(List.of(new ReleaseEntityLock("@account@alice", ID, executionId(), 0),
                new ReleaseEntityLock("@account@bob", ID, executionId(), 0)), sent(step));
        assertNull(node.instance(ID).entityLock());
    }

    // ------------------------------------------------------------------------------------------ suspend / resume

    @ParameterizedTest(name = "execution cache size {0}")
    @ValueSource(ints = {0, 100})
    void eventsThatArriveWhileSuspendedAreKeptAndDeliveredOnResumeWithTheResumeTime(int cacheSize) {
        EngineHarness node = new EngineHarness(TestOrchestrations.REGISTRY, cacheSize);
        node.send(start("Sequence", "x", T0));
        String execution = node.instance(ID).executionId();

        node.advance(Duration.ofSeconds(1));
        StepResult suspended = node.send(new SuspendOrchestration(ID, "hold on")).step();
        assertEquals(RuntimeStatus.Suspended, node.instance(ID).status());
        assertEquals(RuntimeStatus.Suspended, published(suspended).getFirst().runtimeStatus());
        int historyWhileSuspended = node.history(ID).size();

        node.advance(Duration.ofSeconds(1));
        StepResult kept = node.send(new CompleteTask(ID, execution, 0, json("a!"))).step();
        assertEquals(List.of(), dispatched(kept), "a suspended instance does not move");
        assertEquals(historyWhileSuspended, node.history(ID).size());
        assertEquals(1, node.instance(ID).deferred().size());

        node.advance(Duration.ofSeconds(1));
        var resumeTime = node.now;
        StepResult resumed = node.send(new ResumeOrchestration(ID, "go on")).step();

        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
        assertEquals(RuntimeStatus.Running, published(resumed).getFirst().runtimeStatus());
        assertEquals(List.of(new ActivityRequest(ID, execution, 1, "B", json("a!"))), dispatched(resumed));
        assertEquals(List.of(), node.instance(ID).deferred());
        List<HistoryEvent> history = node.history(ID);
        assertEquals(List.of(new HistoryEvent.ExecutionSuspended(T0.plusSeconds(1), "hold on"),
                        new HistoryEvent.ExecutionResumed(resumeTime, "go on"),
                        new HistoryEvent.TaskCompleted(resumeTime, 0, json("a!")),
                        new HistoryEvent.TaskScheduled(resumeTime, 1, "B", json("a!"))),
                history.subList(history.size() - 4, history.size()));
    }

    @Test
    void aTimerThatFiresWhileSuspendedIsDeliveredOnResume() {
        node.send(start("Sleeper", null, T0));
        var timer = node.timers.iterator().next();
        node.send(new SuspendOrchestration(ID, null));

        node.advance(Duration.ofHours(1));
        StepResult fired = node.fire(timer);
        assertFalse(fired.ended());
        assertEquals(RuntimeStatus.Suspended, node.instance(ID).status());
        assertEquals(List.of(), node.instance(ID).timers(), "the timer has fired");

        node.advance(Duration.ofMinutes(1));
        StepResult resumed = node.send(new ResumeOrchestration(ID, null)).step();

        assertTrue(resumed.ended());
        assertEquals(json("woke"), node.instance(ID).output());
    }

    @Test
    void suspendingASuspendedInstanceAndResumingARunningOneAreNoOps() {
        node.send(start("Sequence", "x", T0));
        assertFalse(node.send(new ResumeOrchestration(ID, null)).step().stateChanged());
        node.send(new SuspendOrchestration(ID, null));

        var again = node.send(new SuspendOrchestration(ID, null));

        assertNull(again.rejection());
        assertFalse(again.step().stateChanged());
    }

    @Test
    void aSuspendedInstanceCanBeTerminated() {
        node.send(start("Sequence", "x", T0));
        node.send(new SuspendOrchestration(ID, null));
        node.send(new RaiseEvent(ID, "ignored", null));

        StepResult step = node.send(new TerminateOrchestration(ID, "stop")).step();

        assertTrue(step.ended());
        assertEquals(List.of(), node.instance(ID).deferred(), "kept events go with the execution");
    }

    // ------------------------------------------------------------------------------------------ purge

    @Test
    void purgingAnEndedInstanceDeletesItsRecordAndHistoryAndTombstonesItsStatus() {
        node.send(start("Sleeper", null, T0));
        node.send(new TerminateOrchestration(ID, "done"));

        var outcome = node.send(new PurgeInstance(ID));

        assertNull(outcome.rejection());
        StepResult step = outcome.step();
        assertTrue(step.deleted());
        assertTrue(step.historyDropped());
        assertEquals(java.util.Collections.singletonList(null), published(step), "a tombstone on the status topic");
        assertNull(node.instance(ID));
        assertEquals(List.of(), node.history(ID));
    }

    @Test
    void purgingAnActiveInstanceIsRefused() {
        node.send(start("Sleeper", null, T0));

        var outcome = node.send(new PurgeInstance(ID));

        assertTrue(outcome.rejection().contains("only ended instances"), outcome.rejection());
        assertFalse(outcome.step().stateChanged());
        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
    }

    @Test
    void purgingAnUnknownInstanceIsRefused() {
        assertTrue(node.send(new PurgeInstance("nobody")).rejection().contains("does not exist"));
    }

    @Test
    void aPurgedIdCanBeStartedAgainAsANewInstance() {
        node.send(start("Sleeper", null, T0));
        node.send(new TerminateOrchestration(ID, "done"));
        node.send(new PurgeInstance(ID));

        StepResult restart = node.send(start("Sequence", "x", T0)).step();

        assertFalse(restart.historyDropped());
        assertEquals(1, node.instance(ID).revision(), "a brand-new record");
        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
    }
}
