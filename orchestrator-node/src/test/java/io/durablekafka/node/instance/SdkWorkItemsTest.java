package io.durablekafka.node.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.AbandonOrchestratorWork;
import io.durablekafka.common.messages.CompleteOrchestratorWork;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.OrchestratorWorkItem;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Orchestrations run by SDK workers: work items out, answers in, validated against the instance's state. */
class SdkWorkItemsTest {

    private static final String ID = "sdk-1";
    private static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            .addOrchestration("InProcess", ctx -> ctx.complete("in process"))
            .addActivity("Known", ctx -> "known")
            .build();

    private final EngineHarness h = new EngineHarness(REGISTRY,
            new EngineSettings(100, Duration.ofSeconds(10), Set.of("default")).withSdkWorkers(Duration.ofSeconds(30)));

    private static StartOrchestration start(String name) {
        return new StartOrchestration(ID, name, TextNode.valueOf("in"), null, null, null);
    }

    private static OrchestratorWorkItem workItem(StepResult step) {
        var items = EngineHarness.effects(step, Effect.IssueWork.class);
        assertEquals(1, items.size(), "one work item: " + step.effects());
        return items.getFirst().item();
    }

    private CompleteOrchestratorWork answer(OrchestratorWorkItem item, List<HistoryEvent> actions,
                                            HistoryEvent.ExecutionCompleted end) {
        return new CompleteOrchestratorWork(ID, item.executionId(), item.workSeq(), actions, null, end, List.of());
    }

    private HistoryEvent.TaskScheduled activity(int id, String name) {
        return new HistoryEvent.TaskScheduled(h.now, id, name, TextNode.valueOf("x" + id));
    }

    private HistoryEvent.ExecutionCompleted completed(String output) {
        return new HistoryEvent.ExecutionCompleted(h.now, RuntimeStatus.Completed, TextNode.valueOf(output), null);
    }

    @Test
    void anUnknownOrchestrationBecomesAWorkItemAndItsAnswerRunsThroughTheEngine() {
        StepResult started = h.send(start("SdkHello")).step();
        OrchestratorWorkItem first = workItem(started);
        assertEquals(RuntimeStatus.Running, h.instance(ID).status());
        assertEquals(List.of(), first.pastEvents());
        assertInstanceOf(HistoryEvent.ExecutionStarted.class, first.newEvents().getFirst());
        assertEquals(1, first.workSeq());
        assertTrue(h.timers.stream().anyMatch(t -> t.timerId() == SdkWorkItems.WORK_TIMER), "deadline armed");

        StepResult scheduled = h.send(answer(first, List.of(activity(0, "SayHello"), activity(1, "Known")), null)).step();
        var requests = EngineHarness.effects(scheduled, Effect.Dispatch.class);
        assertEquals(List.of(TopicNames.SDK_TASK_QUEUE, "default"), requests.stream().map(Effect.Dispatch::taskQueue).toList(),
                "an activity the node does not know goes to the sdk queue");
        assertEquals(3, h.history(ID).size(), "started, then the two scheduling events");
        assertTrue(h.timers.stream().noneMatch(t -> t.timerId() == SdkWorkItems.WORK_TIMER), "deadline cancelled");

        StepResult result = h.send(new CompleteTask(ID, first.executionId(), 0, TextNode.valueOf("hello"))).step();
        OrchestratorWorkItem second = workItem(result);
        assertEquals(2, second.workSeq());
        assertEquals(h.history(ID), second.pastEvents());
        assertEquals(List.of(new HistoryEvent.TaskCompleted(h.now, 0, TextNode.valueOf("hello"))), second.newEvents());

        // A duplicate result while the work item is out waits, and is left out of the next one.
        StepResult duplicate = h.send(new CompleteTask(ID, first.executionId(), 0, TextNode.valueOf("hello"))).step();
        assertTrue(EngineHarness.effects(duplicate, Effect.IssueWork.class).isEmpty());
        h.send(new CompleteTask(ID, first.executionId(), 1, TextNode.valueOf("known")));

        StepResult third = h.send(answer(second, List.of(), null)).step();
        OrchestratorWorkItem next = workItem(third);
        assertEquals(List.of(new HistoryEvent.TaskCompleted(h.now, 1, TextNode.valueOf("known"))), next.newEvents(),
                "the duplicate is dropped, the other result makes the next work item");

        StepResult done = h.send(answer(next, List.of(), completed("done"))).step();
        assertTrue(done.ended());
        assertEquals(RuntimeStatus.Completed, h.instance(ID).status());
        assertEquals(TextNode.valueOf("done"), h.instance(ID).output());
        assertNull(h.instance(ID).sdkWork());
        assertInstanceOf(HistoryEvent.ExecutionCompleted.class, h.history(ID).getLast());
    }

    @Test
    void aStaleOrDuplicateAnswerIsIgnored() {
        OrchestratorWorkItem first = workItem(h.send(start("SdkHello")).step());
        h.send(answer(first, List.of(activity(0, "A")), null));
        var before = h.instance(ID);

        StepResult again = h.send(answer(first, List.of(activity(1, "B")), null)).step();
        assertTrue(EngineHarness.effects(again, Effect.Dispatch.class).isEmpty());
        assertEquals(before, h.instance(ID));

        StepResult otherExecution = h.send(new CompleteOrchestratorWork(ID, "other", 1, List.of(), null,
                completed("x"), List.of())).step();
        assertTrue(otherExecution.effects().isEmpty());
        assertEquals(RuntimeStatus.Running, h.instance(ID).status());
    }

    @Test
    void anUnansweredWorkItemIsIssuedAgainAtItsDeadlineOrWhenAbandoned() {
        OrchestratorWorkItem first = workItem(h.send(start("SdkHello")).step());
        DueItem.Timer deadline = h.timers.stream().filter(t -> t.timerId() == SdkWorkItems.WORK_TIMER).findFirst().orElseThrow();
        h.advance(Duration.ofSeconds(30));
        OrchestratorWorkItem second = workItem(h.fire(deadline));
        assertEquals(2, second.workSeq());
        assertEquals(first.newEvents(), second.newEvents());

        OrchestratorWorkItem third = workItem(h.send(new AbandonOrchestratorWork(ID, first.executionId(), 2)).step());
        assertEquals(3, third.workSeq());
        assertTrue(h.send(new AbandonOrchestratorWork(ID, first.executionId(), 2)).step().effects().isEmpty(),
                "a stale abandon changes nothing");

        // The answer to a work item that was issued again is stale; the newest one counts.
        h.send(answer(first, List.of(), completed("stale")));
        assertEquals(RuntimeStatus.Running, h.instance(ID).status());
        h.send(answer(third, List.of(), completed("fresh")));
        assertEquals(TextNode.valueOf("fresh"), h.instance(ID).output());
        assertTrue(h.timers.isEmpty());
    }

    @Test
    void eventsThatArriveWhileAWorkItemIsOutMakeTheNextOne() {
        OrchestratorWorkItem first = workItem(h.send(start("SdkHello")).step());
        h.send(new RaiseEvent(ID, "a", TextNode.valueOf("1")));
        h.send(new RaiseEvent(ID, "b", TextNode.valueOf("2")));
        OrchestratorWorkItem second = workItem(h.send(answer(first, List.of(), null)).step());
        assertEquals(List.of("a", "b"), second.newEvents().stream().map(e -> ((HistoryEvent.EventRaised) e).name()).toList());
    }

    @Test
    void continueAsNewStartsANewExecutionWithItsOwnWorkItem() {
        OrchestratorWorkItem first = workItem(h.send(start("SdkHello")).step());
        var carried = new HistoryEvent.EventRaised(h.now, "kept", TextNode.valueOf("k"));
        StepResult step = h.send(new CompleteOrchestratorWork(ID, first.executionId(), 1, List.of(), null,
                new HistoryEvent.ExecutionCompleted(h.now, RuntimeStatus.ContinuedAsNew, TextNode.valueOf("again"), null),
                List.of(carried))).step();
        OrchestratorWorkItem next = workItem(step);
        assertTrue(!next.executionId().equals(first.executionId()));
        assertEquals(1, next.workSeq());
        var started = assertInstanceOf(HistoryEvent.ExecutionStarted.class, next.newEvents().getFirst());
        assertEquals(TextNode.valueOf("again"), started.input());
        assertEquals("kept", ((HistoryEvent.EventRaised) next.newEvents().get(1)).name());
        assertEquals(RuntimeStatus.Running, h.instance(ID).status());
    }

    @Test
    void anInvalidAnswerFailsTheInstanceAndFailureDetailsAreKept() {
        OrchestratorWorkItem first = workItem(h.send(start("SdkHello")).step());
        h.send(answer(first, List.of(new HistoryEvent.EventRaised(h.now, "x", null)), null));
        assertEquals(RuntimeStatus.Failed, h.instance(ID).status());
        assertEquals("InvalidWorkerResponse", h.instance(ID).failure().errorType());

        OrchestratorWorkItem again = workItem(h.send(start("SdkHello")).step());
        var failure = new FailureDetails("IllegalStateException", "boom", "at here", null);
        h.send(answer(again, List.of(), new HistoryEvent.ExecutionCompleted(h.now, RuntimeStatus.Failed, null, failure)));
        assertEquals(failure, h.instance(ID).failure());
    }

    @Test
    void anAnswerThatArrivesWhileSuspendedIsSetAsideAndTheWorkIsIssuedAgainOnResume() {
        OrchestratorWorkItem first = workItem(h.send(start("SdkHello")).step());
        h.send(new io.durablekafka.common.messages.SuspendOrchestration(ID, "pause"));
        h.send(new RaiseEvent(ID, "later", null));
        StepResult answered = h.send(answer(first, List.of(), completed("too early"))).step();
        assertTrue(answered.effects().stream().noneMatch(e -> e instanceof Effect.IssueWork));
        assertEquals(RuntimeStatus.Suspended, h.instance(ID).status());
        assertTrue(h.timers.isEmpty(), "no deadline while nothing is out");

        OrchestratorWorkItem again = workItem(h.send(new io.durablekafka.common.messages.ResumeOrchestration(ID, "go")).step());
        assertEquals(2, again.workSeq());
        assertInstanceOf(HistoryEvent.ExecutionStarted.class, again.newEvents().getFirst());
        assertEquals("later", ((HistoryEvent.EventRaised) again.newEvents().get(1)).name());
        h.send(answer(again, List.of(), completed("done")));
        assertEquals(RuntimeStatus.Completed, h.instance(ID).status());
    }

    @Test
    void registeredOrchestrationsStillRunInProcess() {
        StepResult step = h.send(start("InProcess")).step();
        assertTrue(EngineHarness.effects(step, Effect.IssueWork.class).isEmpty());
        assertEquals(RuntimeStatus.Completed, h.instance(ID).status());
    }
}
