package io.durablekafka.node.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.CompleteOrchestratorWork;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.OrchestratorWorkItem;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Entity actions of orchestrations run by SDK workers (the protocol's {@code sendEntityMessage}): checked against the
 * locking rules, dispatched by the engine's ActionDispatcher as in-process code's are, the worker's requestId /
 * criticalSectionId kept in history; the entities' answers come back in the next work item.
 */
class SdkEntityActionsTest {

    private static final String A = "@counter@a";
    private static final String B = "@counter@b";
    private static final String C = "@counter@c";

    private final EngineHarness h = new EngineHarness(FunctionRegistry.builder().build(),
            new EngineSettings(100, Duration.ofSeconds(10), Set.of("default")).withSdkWorkers(Duration.ofSeconds(30)));

    private OrchestratorWorkItem start(String id) {
        return workItem(h.send(new StartOrchestration(id, "SdkEntities", null, null, null, null)).step());
    }

    private static OrchestratorWorkItem workItem(StepResult step) {
        var items = EngineHarness.effects(step, Effect.IssueWork.class);
        assertEquals(1, items.size(), "one work item: " + step.effects());
        return items.getFirst().item();
    }

    private StepResult answer(OrchestratorWorkItem item, List<HistoryEvent> actions, HistoryEvent.ExecutionCompleted end) {
        return h.send(new CompleteOrchestratorWork(item.instanceId(), item.executionId(), item.workSeq(), actions, null,
                end, List.of())).step();
    }

    private HistoryEvent.EntityOperationCalled call(int id, String entity, String op, String requestId) {
        return new HistoryEvent.EntityOperationCalled(h.now, id, entity, op, IntNode.valueOf(id), requestId);
    }

    private HistoryEvent.EntityOperationSignaled signal(int id, String entity, Instant at, String requestId) {
        return new HistoryEvent.EntityOperationSignaled(h.now, id, entity, "add", IntNode.valueOf(1), at, requestId);
    }

    private HistoryEvent.EntityLockRequested lock(int id, List<String> set, String section) {
        return new HistoryEvent.EntityLockRequested(h.now, id, set, section);
    }

    private HistoryEvent.EntityUnlockSent unlock(int id, String entity, String section) {
        return new HistoryEvent.EntityUnlockSent(h.now, id, List.of(entity), section);
    }

    @Test
    void callsAndSignalsGoToTheEntitiesAndTheResultComesBackInTheNextWorkItem() {
        OrchestratorWorkItem first = start("calls");
        Instant later = h.now.plusSeconds(60);
        StepResult step = answer(first, List.of(call(0, A, "get", "req-0"), signal(1, B, later, "req-1")), null);

        var sent = EngineHarness.sent(step);
        assertEquals(List.of(new CallEntity(A, "get", IntNode.valueOf(0), "calls", first.executionId(), 0),
                new SignalEntity(B, "add", IntNode.valueOf(1), later, "calls")), sent);
        var history = h.history("calls");
        assertEquals("req-0", ((HistoryEvent.EntityOperationCalled) history.get(1)).requestId(),
                "the worker's requestId is kept for the result's mapping");
        assertEquals("req-1", ((HistoryEvent.EntityOperationSignaled) history.get(2)).requestId());

        OrchestratorWorkItem second = workItem(h.send(new CompleteEntityOperation("calls", first.executionId(), 0,
                IntNode.valueOf(42))).step());
        assertEquals(List.of(new HistoryEvent.EntityOperationCompleted(h.now, 0, IntNode.valueOf(42))), second.newEvents());
        assertEquals(history, second.pastEvents());

        assertTrue(EngineHarness.effects(answer(second, List.of(call(2, A, "boom", "req-2")), null),
                Effect.IssueWork.class).isEmpty(), "nothing to run until the entity answers");
        var failure = FailureDetails.of("IllegalStateException", "no such operation");
        OrchestratorWorkItem failed = workItem(h.send(new FailEntityOperation("calls", first.executionId(), 2, failure)).step());
        assertEquals(List.of(new HistoryEvent.EntityOperationFailed(h.now, 2, failure)), failed.newEvents());

        answer(failed, List.of(), new HistoryEvent.ExecutionCompleted(h.now, RuntimeStatus.Completed, IntNode.valueOf(42), null));
        assertEquals(RuntimeStatus.Completed, h.instance("calls").status());
    }

    @Test
    void aCriticalSectionLocksCallsAndReleasesEachEntityWithTheEnginesOwnLockState() {
        OrchestratorWorkItem first = start("locks");
        String exec = first.executionId();
        StepResult requested = answer(first, List.of(lock(0, List.of(A, B), "cs-1")), null);
        assertEquals(List.of(new RequestEntityLock(A, "locks", exec, 0, List.of(A, B), 0)), EngineHarness.sent(requested),
                "the request goes to the first entity of the sorted set, which passes it on");
        assertEquals(0, h.instance("locks").entityLock().taskId());

        OrchestratorWorkItem granted = workItem(h.send(new GrantEntityLock("locks", exec, 0)).step());
        assertEquals(List.of(new HistoryEvent.EntityLockGranted(h.now, 0)), granted.newEvents());

        StepResult called = answer(granted, List.of(call(1, A, "add", "req-1"), call(2, B, "add", "req-2")), null);
        assertEquals(2, EngineHarness.sent(called).size());
        OrchestratorWorkItem firstResult = workItem(h.send(new CompleteEntityOperation("locks", exec, 1, null)).step());
        h.send(new CompleteEntityOperation("locks", exec, 2, IntNode.valueOf(2))); // waits: a work item is out
        OrchestratorWorkItem secondResult = workItem(answer(firstResult, List.of(), null));
        assertEquals(List.of(new HistoryEvent.EntityOperationCompleted(h.now, 2, IntNode.valueOf(2))),
                secondResult.newEvents());

        // The protocol unlocks entity by entity, each with its own task ID, under the critical section's ID.
        StepResult released = answer(secondResult, List.of(unlock(3, A, "cs-1"), unlock(4, B, "cs-1")),
                new HistoryEvent.ExecutionCompleted(h.now, RuntimeStatus.Completed, TextNode.valueOf("ok"), null));
        assertEquals(List.of(new ReleaseEntityLock(A, "locks", exec, 0), new ReleaseEntityLock(B, "locks", exec, 0)),
                EngineHarness.sent(released).stream().filter(m -> m instanceof ReleaseEntityLock).toList(),
                "one release per entity, under the lock's task ID; none twice when the execution ends");
        assertEquals(RuntimeStatus.Completed, h.instance("locks").status());
        assertNull(h.instance("locks").entityLock());
        var unlocks = h.history("locks").stream().filter(e -> e instanceof HistoryEvent.EntityUnlockSent).toList();
        assertEquals(List.of(unlock(3, A, "cs-1"), unlock(4, B, "cs-1")), unlocks);
    }

    @Test
    void anAnswerThatBreaksTheLockingRulesFailsTheExecutionAndSendsNothing() {
        assertRefused("bad-id", List.of(call(0, "counter-a", "get", "r")), "not an entity ID");
        assertRefused("no-op", List.of(call(0, A, "", "r")), "no operation");
        assertRefused("unsorted", List.of(lock(0, List.of(B, A), "cs")), "lock set not sorted");
        assertRefused("duplicates", List.of(lock(0, List.of(A, A), "cs")), "lock set with duplicates");
        assertRefused("before-grant", List.of(lock(0, List.of(A), "cs"), call(1, A, "get", "r")), "a call before the grant");
        assertRefused("nested", List.of(lock(0, List.of(A), "cs"), lock(1, List.of(B), "cs2")), "nested sections");
        assertRefused("no-section", List.of(unlock(0, A, "cs")), "an unlock with no critical section");

        assertRefusedInSection("outside-set", List.of(call(1, C, "get", "r")), "a call to an entity not locked");
        assertRefusedInSection("signal-locked", List.of(signal(1, A, null, "r")), "a signal to a locked entity");
        assertRefusedInSection("other-section", List.of(unlock(1, A, "cs-other"), unlock(2, B, "cs-other")),
                "unlocks of another section");
        assertRefusedInSection("child-in-section", List.of(new HistoryEvent.SubOrchestrationInstanceCreated(h.now, 1,
                "Child", "child-1", null)), "a sub-orchestration inside a critical section");
        assertRefusedInSection("half-released", List.of(unlock(1, A, "cs")), "a section half released");
        assertRefusedInSection("released-twice", List.of(unlock(1, A, "cs"), unlock(2, A, "cs")), "an entity released twice");
    }

    @Test
    void aSignalOutsideTheLockedSetAndAFreshSectionAfterTheUnlocksAreAllowed() {
        OrchestratorWorkItem granted = grantedSection("again");
        String exec = granted.executionId();
        StepResult step = answer(granted, List.of(signal(1, C, null, "r1"), unlock(2, A, "cs"), unlock(3, B, "cs"),
                lock(4, List.of(C), "cs2")), null);
        assertEquals(RuntimeStatus.Running, h.instance("again").status());
        assertEquals(List.of(new SignalEntity(C, "add", IntNode.valueOf(1), null, "again"),
                new ReleaseEntityLock(A, "again", exec, 0), new ReleaseEntityLock(B, "again", exec, 0),
                new RequestEntityLock(C, "again", exec, 4, List.of(C), 0)), EngineHarness.sent(step));
        assertEquals(4, h.instance("again").entityLock().taskId());
    }

    /** An instance inside critical section "cs" on A and B (lock task 0), granted: the work item to answer. */
    private OrchestratorWorkItem grantedSection(String id) {
        OrchestratorWorkItem first = start(id);
        answer(first, List.of(lock(0, List.of(A, B), "cs")), null);
        return workItem(h.send(new GrantEntityLock(id, first.executionId(), 0)).step());
    }

    private void assertRefused(String id, List<HistoryEvent> actions, String what) {
        assertRefusedAnswer(id, start(id), actions, what);
    }

    private void assertRefusedInSection(String id, List<HistoryEvent> actions, String what) {
        assertRefusedAnswer(id, grantedSection(id), actions, what);
    }

    private void assertRefusedAnswer(String id, OrchestratorWorkItem item, List<HistoryEvent> actions, String what) {
        int historyBefore = h.history(id).size();
        StepResult step = answer(item, actions, null);
        assertEquals(RuntimeStatus.Failed, h.instance(id).status(), what);
        assertEquals("InvalidWorkerResponse", h.instance(id).failure().errorType(), what);
        assertTrue(EngineHarness.sent(step).stream().noneMatch(m -> m instanceof CallEntity || m instanceof SignalEntity
                || m instanceof RequestEntityLock || m instanceof StartOrchestration), what + ": nothing dispatched");
        assertTrue(h.history(id).subList(historyBefore, h.history(id).size()).stream()
                .noneMatch(e -> e instanceof HistoryEvent.EntityOperationCalled
                        || e instanceof HistoryEvent.EntityOperationSignaled), what + ": no action recorded");
        assertNull(h.instance(id).entityLock(), what + ": the failure releases the locks");
    }
}
