package io.durablekafka.node.instance;

import static io.durablekafka.node.instance.EngineHarness.T0;
import static io.durablekafka.node.instance.EngineHarness.dispatched;
import static io.durablekafka.node.instance.EngineHarness.published;
import static io.durablekafka.node.instance.EngineHarness.sent;
import static io.durablekafka.node.instance.TestOrchestrations.ID;
import static io.durablekafka.node.instance.TestOrchestrations.json;
import static io.durablekafka.node.instance.TestOrchestrations.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteSubOrchestration;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.FailSubOrchestration;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An instance from start to end through the engine: records, history, dispatched work and published status. */
class InstanceLifecycleTest {

    private final EngineHarness node = new EngineHarness(TestOrchestrations.REGISTRY);

    private String executionId() {
        return node.instance(ID).executionId();
    }

    @Test
    void aStartRunsTheFirstStepAndPublishesRunning() {
        var outcome = node.send(start("Sequence", "x", T0));

        assertNull(outcome.rejection());
        StepResult step = outcome.step();
        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
        assertEquals(List.of(new ActivityRequest(ID, executionId(), 0, "A", json("x"))), dispatched(step));
        List<InstanceStatus> statuses = published(step);
        assertEquals(1, statuses.size());
        assertEquals(RuntimeStatus.Running, statuses.getFirst().runtimeStatus());
        assertFalse(step.ended());
        assertInstanceOf(HistoryEvent.ExecutionStarted.class, node.history(ID).getFirst());
        assertInstanceOf(HistoryEvent.TaskScheduled.class, node.history(ID).getLast());
    }

    @Test
    void resultsDriveTheInstanceToCompletedAndOnlyTransitionsArePublished() {
        node.send(start("Sequence", "x", T0));

        StepResult middle = node.send(new CompleteTask(ID, executionId(), 0, json("a!"))).step();
        assertEquals(List.of(new ActivityRequest(ID, executionId(), 1, "B", json("a!"))), dispatched(middle));
        assertEquals(List.of(), published(middle), "still Running: nothing to publish");
        assertFalse(middle.ended());

        StepResult last = node.send(new CompleteTask(ID, executionId(), 1, json("b!"))).step();
        assertTrue(last.ended());
        assertEquals(RuntimeStatus.Completed, node.instance(ID).status());
        assertEquals(json("b!"), node.instance(ID).output());
        InstanceStatus completed = published(last).getFirst();
        assertEquals(RuntimeStatus.Completed, completed.runtimeStatus());
        assertEquals(json("b!"), completed.output());
        assertInstanceOf(HistoryEvent.ExecutionCompleted.class, node.history(ID).getLast());
    }

    @Test
    void aResultWithoutExecutionIdGoesToTheCurrentExecution() {
        node.send(start("Sequence", "x", T0));

        StepResult step = node.send(new CompleteTask(ID, null, 0, json("a!"))).step();

        assertEquals(1, dispatched(step).size());
    }

    @Test
    void aResultForAnotherExecutionIsIgnored() {
        node.send(start("Sequence", "x", T0));
        long historySize = node.instance(ID).historySize();

        var outcome = node.send(new CompleteTask(ID, "an-old-execution", 0, json("stale")));

        assertNull(outcome.rejection());
        assertFalse(outcome.step().stateChanged());
        assertEquals(List.of(), outcome.step().effects());
        assertEquals(historySize, node.instance(ID).historySize());
    }

    @Test
    void aStartForAnActiveInstanceIsRefusedAndChangesNothing() {
        node.send(start("Sequence", "x", T0));
        String execution = executionId();

        var outcome = node.send(start("Sequence", "y", T0));

        assertTrue(outcome.rejection().contains("already Running"), outcome.rejection());
        assertFalse(outcome.step().stateChanged());
        assertEquals(List.of(), outcome.step().effects());
        assertEquals(execution, executionId());
    }

    @Test
    void aRefusedStartOfASubOrchestrationFailsTheWaitingParent() {
        node.send(start("Sequence", "x", T0));
        var parent = new StartOrchestration.ParentInstance("the-parent", "parent-exec", 3);

        var outcome = node.send(new StartOrchestration(ID, "Sequence", json("y"), parent, null, T0));

        assertTrue(outcome.rejection() != null);
        var failure = assertInstanceOf(FailSubOrchestration.class, sent(outcome.step()).getFirst());
        assertEquals("the-parent", failure.instanceId());
        assertEquals("parent-exec", failure.executionId());
        assertEquals(3, failure.taskId());
        assertEquals("InstanceAlreadyExists", failure.failure().errorType());
    }

    @Test
    void aStartForAnEndedInstanceReplacesItAndDropsItsHistory() {
        node.send(start("Sequence", "x", T0));
        node.send(new CompleteTask(ID, executionId(), 0, json("a")));
        node.send(new CompleteTask(ID, executionId(), 1, json("b")));
        String oldExecution = executionId();

        StepResult restart = node.send(start("Sequence", "again", T0)).step();

        assertTrue(restart.historyDropped());
        assertNotEquals(oldExecution, executionId());
        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
        assertNull(node.instance(ID).output());
        assertEquals(2, node.history(ID).size(), "only the new execution's start and first step");
        assertEquals(executionId(), ((HistoryEvent.ExecutionStarted) node.history(ID).getFirst()).executionId());
        assertEquals(List.of(new ActivityRequest(ID, executionId(), 0, "A", json("again"))), dispatched(restart));
    }

    @Test
    void anEventForAnInstanceThatDoesNotExistIsRefused() {
        var outcome = node.send(new RaiseEvent("nobody", "Go", json(1)));

        assertTrue(outcome.rejection().contains("does not exist"), outcome.rejection());
        assertNull(node.instance("nobody"));
    }

    @Test
    void aResultForAnEndedInstanceIsIgnored() {
        node.send(start("Sequence", "x", T0));
        String execution = executionId();
        node.send(new CompleteTask(ID, execution, 0, json("a")));
        node.send(new CompleteTask(ID, execution, 1, json("b")));

        var outcome = node.send(new CompleteTask(ID, execution, 1, json("b")));

        assertNull(outcome.rejection());
        assertFalse(outcome.step().stateChanged());
    }

    @Test
    void continueAsNewStartsAFreshExecutionWithAFreshHistory() {
        node.send(start("Looper", 0, T0));
        String first = executionId();

        StepResult next = node.send(new CompleteTask(ID, first, 0, null)).step();

        assertTrue(next.historyDropped());
        String second = executionId();
        assertNotEquals(first, second);
        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
        assertEquals(json(1), node.instance(ID).input());
        assertEquals(List.of(new ActivityRequest(ID, second, 0, "A", json(1))), dispatched(next));
        assertEquals(2, node.history(ID).size());

        // The old execution's duplicate result does not touch the new one.
        assertFalse(node.send(new CompleteTask(ID, first, 0, null)).step().stateChanged());

        StepResult last = node.send(new CompleteTask(ID, second, 0, null)).step();
        assertTrue(last.ended());
        assertEquals(json(2), node.instance(ID).output());
    }

    @Test
    void anActivityOnATaskQueueWithoutTopicFailsThroughTheNormalResultPath() {
        StepResult step = node.send(start("GpuJob", null, T0)).step();

        assertEquals(List.of(), dispatched(step));
        var fail = assertInstanceOf(FailTask.class, sent(step).getFirst());
        assertEquals("UnknownTaskQueue", fail.failure().errorType());

        node.send(fail);
        assertEquals(RuntimeStatus.Failed, node.instance(ID).status());
    }

    @Test
    void aSubOrchestrationIsStartedWithItsParentAndReportsBackToIt() {
        StepResult parentStart = node.send(start("Parent", "in", T0)).step();
        var childStart = assertInstanceOf(StartOrchestration.class, sent(parentStart).getFirst());
        assertEquals("child-1", childStart.instanceId());
        assertEquals(new StartOrchestration.ParentInstance(ID, executionId(), 0), childStart.parent());

        StepResult childRun = node.send(childStart).step();
        assertTrue(childRun.ended());
        var report = assertInstanceOf(CompleteSubOrchestration.class, sent(childRun).getFirst());
        assertEquals(new CompleteSubOrchestration(ID, executionId(), 0, json("child done")), report);

        assertTrue(node.send(report).step().ended());
        assertEquals(json("child done"), node.instance(ID).output());
    }

    @Test
    void aTimerArmedByTheCodeResumesItWhenItFires() {
        node.send(start("Sleeper", null, T0));
        assertEquals(1, node.timers.size());
        var timer = node.timers.iterator().next();
        assertEquals(T0.plus(Duration.ofHours(1)), timer.fireAt());
        assertEquals(1, node.instance(ID).timers().size());

        node.advance(Duration.ofHours(1));
        StepResult fired = node.fire(timer);

        assertTrue(fired.ended());
        assertEquals(json("woke"), node.instance(ID).output());
        assertEquals(List.of(), node.instance(ID).timers());
    }

    @Test
    void everyStepGivesTheSameResultWithoutAnExecutionCache() {
        EngineHarness uncached = new EngineHarness(TestOrchestrations.REGISTRY, 0);
        for (EngineHarness h : List.of(node, uncached)) {
            h.send(start("Sequence", "x", T0));
            String execution = h.instance(ID).executionId();
            h.advance(Duration.ofSeconds(1));
            h.send(new CompleteTask(ID, execution, 0, json("a")));
            h.advance(Duration.ofSeconds(1));
            h.send(new CompleteTask(ID, execution, 1, json("b")));
        }

        assertEquals(node.history(ID), uncached.history(ID));
        assertEquals(node.instance(ID), uncached.instance(ID));
    }

    @Test
    void eventsCarriedOverByContinueAsNewEnterTheNewHistoryAtTheNewExecutionsTime() {
        node.send(start("Relay", 0, T0));
        node.advance(Duration.ofSeconds(10));
        node.send(new RaiseEvent(ID, "Extra", json("kept")));
        node.advance(Duration.ofSeconds(10));
        var continuedAt = node.now;

        node.send(new CompleteTask(ID, executionId(), 0, null));

        // The orchestration's clock never goes back: after the carried-over event it is still the time the new
        // execution started, so its one-minute timer fires a minute after that.
        List<HistoryEvent> history = node.history(ID);
        assertEquals(continuedAt, history.getFirst().timestamp());
        assertEquals(new HistoryEvent.EventRaised(continuedAt, "Extra", json("kept")), history.get(1));
        assertEquals(continuedAt.plus(Duration.ofMinutes(1)), node.timers.iterator().next().fireAt());
    }

    @Test
    void theCustomStatusTheCodeSetsIsStoredAndSurvivesReplay() {
        EngineHarness uncached = new EngineHarness(TestOrchestrations.REGISTRY, 0);
        uncached.send(start("Progress", null, T0));
        assertEquals(json("step 1"), uncached.instance(ID).customStatus());

        StepResult step = uncached.send(new CompleteTask(ID, uncached.instance(ID).executionId(), 0, null)).step();

        assertEquals(json("step 2"), uncached.instance(ID).customStatus());
        assertEquals(List.of(), published(step), "a custom status is not a transition: nothing published");
    }

    @Test
    void anOrchestrationThatContinuesAsNewWithoutEverWaitingFails() {
        StepResult step = node.send(start("Restless", 0, T0)).step();

        assertTrue(step.ended());
        assertEquals(RuntimeStatus.Failed, node.instance(ID).status());
        assertEquals("ContinueAsNewLoop", node.instance(ID).failure().errorType());
    }
}
