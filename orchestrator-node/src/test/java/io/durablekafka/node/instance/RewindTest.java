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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.CompleteSubOrchestration;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.FailSubOrchestration;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.RetryPolicy;
import io.durablekafka.sdk.TaskOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rewind of a Failed instance: what failed runs again, what succeeded is kept. */
class RewindTest {

    private final EngineHarness node = new EngineHarness(TestOrchestrations.REGISTRY);

    private String executionId() {
        return node.instance(ID).executionId();
    }

    @Test
    void rewindDispatchesTheFailedActivityAgainButNotTheSuccessfulOne() {
        node.send(start("Parallel", null, T0));
        String execution = executionId();
        node.send(new CompleteTask(ID, execution, 0, json("a")));
        node.send(new FailTask(ID, execution, 1, FailureDetails.of("java.io.IOException", "B broke")));
        assertEquals(RuntimeStatus.Failed, node.instance(ID).status());

        var outcome = node.send(new RewindOrchestration(ID, "fixed B"));

        assertNull(outcome.rejection());
        StepResult step = outcome.step();
        assertEquals(RuntimeStatus.Running, node.instance(ID).status());
        assertNull(node.instance(ID).failure());
        assertEquals(RuntimeStatus.Running, published(step).getFirst().runtimeStatus());
        assertEquals(List.of(new ActivityRequest(ID, execution, 1, "B", json(null))), dispatched(step));
        assertTrue(node.history(ID).stream().noneMatch(e -> e instanceof HistoryEvent.TaskFailed
                || e instanceof HistoryEvent.ExecutionCompleted), "the failure left history: " + node.history(ID));
        assertTrue(node.history(ID).contains(new HistoryEvent.TaskCompleted(T0, 0, json("a"))), "the success stays");

        StepResult done = node.send(new CompleteTask(ID, execution, 1, json("b"))).step();
        assertTrue(done.ended());
        assertEquals(json(List.of("a", "b")), node.instance(ID).output());
    }

    @Test
    void rewindRewindsAFailedSubOrchestrationToo() {
        node.send(start("Parent", null, T0));
        String execution = executionId();
        node.send(new FailSubOrchestration(ID, execution, 0, FailureDetails.of("Boom", "child failed")));
        assertEquals(RuntimeStatus.Failed, node.instance(ID).status());

        StepResult step = node.send(new RewindOrchestration(ID, "try again")).step();

        assertEquals(List.of(new RewindOrchestration("child-1", "try again")), sent(step));
        assertEquals(RuntimeStatus.Running, node.instance(ID).status());

        node.send(new CompleteSubOrchestration(ID, execution, 0, json("child done")));
        assertEquals(RuntimeStatus.Completed, node.instance(ID).status());
    }

    @Test
    void rewindIsIgnoredForAnInstanceThatDidNotFail() {
        node.send(start("Sequence", "x", T0));

        var outcome = node.send(new RewindOrchestration(ID, "why"));

        assertNull(outcome.rejection());
        assertFalse(outcome.step().stateChanged());
    }

    @Test
    void rewindOfAnUnknownInstanceIsRefused() {
        assertTrue(node.send(new RewindOrchestration("nobody", "why")).rejection().contains("does not exist"));
    }

    /** Flaky with up to two attempts, 10 s apart. */
    static final FunctionRegistry RETRYING = FunctionRegistry.builder().addOrchestration("Retried", ctx -> ctx.complete(
            ctx.callActivity("Flaky", null, TaskOptions.withRetryPolicy(new RetryPolicy(2, Duration.ofSeconds(10))),
                    String.class).await())).build();

    /** Runs "Retried" until both attempts (tasks 0 and 2, with retry timer 1 between them) failed. */
    private static EngineHarness retriedUntilFailed() {
        EngineHarness node = new EngineHarness(RETRYING);
        node.send(start("Retried", null, T0));
        String execution = node.instance(ID).executionId();
        node.advance(Duration.ofSeconds(1));
        node.send(new FailTask(ID, execution, 0, FailureDetails.of("X", "attempt 1")));
        node.advance(Duration.ofSeconds(10));
        node.fire(node.timers.iterator().next());
        node.advance(Duration.ofSeconds(1));
        node.send(new FailTask(ID, execution, 2, FailureDetails.of("X", "attempt 2")));
        assertEquals(RuntimeStatus.Failed, node.instance(ID).status());
        return node;
    }

    @Test
    void rewindGivesTheLastAttemptOfARetriedActivityAnotherTryAndKeepsTheRetriedFailures() {
        EngineHarness node = retriedUntilFailed();
        String execution = node.instance(ID).executionId();

        StepResult step = node.send(new RewindOrchestration(ID, "again")).step();

        assertEquals(List.of(new ActivityRequest(ID, execution, 2, "Flaky", json(null))), dispatched(step),
                "only the attempt that ended the retries runs again");
        assertEquals(1, node.history(ID).stream().filter(e -> e instanceof HistoryEvent.TaskFailed).count(),
                "the first attempt's failure, which the retry answered, stays in history");

        node.send(new CompleteTask(ID, execution, 2, json("third time lucky")));
        assertEquals(RuntimeStatus.Completed, node.instance(ID).status());
        assertEquals(json("third time lucky"), node.instance(ID).output());
    }

    @Test
    void aRewoundRetriedActivityThatFailsAgainFailsTheInstanceAgainRatherThanHanging() {
        EngineHarness node = retriedUntilFailed();
        String execution = node.instance(ID).executionId();
        node.send(new RewindOrchestration(ID, "again"));

        node.send(new FailTask(ID, execution, 2, FailureDetails.of("X", "still broken")));

        assertEquals(RuntimeStatus.Failed, node.instance(ID).status());
        assertTrue(node.instance(ID).failure().errorMessage().contains("still broken"));
    }

    /** Inside a critical section over alice: Work, then a call of alice. */
    static final FunctionRegistry LOCKED = FunctionRegistry.builder().addOrchestration("LockedWork", ctx -> {
        try (var lock = ctx.lockEntities(TestOrchestrations.ALICE)) {
            ctx.callActivity("Work").await();
            ctx.callEntity(TestOrchestrations.ALICE, "add", 1).await();
        }
        ctx.complete("ok");
    }).build();

    @Test
    void rewindOfAFailureThatEscapedACriticalSectionOpensTheSectionAgain() {
        EngineHarness node = new EngineHarness(LOCKED);
        node.send(start("LockedWork", null, T0));
        String execution = node.instance(ID).executionId();
        node.send(new GrantEntityLock(ID, execution, 0));
        StepResult failed = node.send(new FailTask(ID, execution, 1, FailureDetails.of("X", "work failed"))).step();
        assertEquals(RuntimeStatus.Failed, node.instance(ID).status());
        assertEquals(List.of(new ReleaseEntityLock("@account@alice", ID, execution, 0)), sent(failed),
                "the exception closed the section on its way out");

        StepResult rewound = node.send(new RewindOrchestration(ID, "again")).step();

        assertEquals(List.of(new RequestEntityLock("@account@alice", ID, execution, 0, List.of("@account@alice"), 0)),
                sent(rewound), "the locks are asked for again");
        assertEquals(List.of(new ActivityRequest(ID, execution, 1, "Work", json(null))), dispatched(rewound));

        node.send(new GrantEntityLock(ID, execution, 0));
        StepResult worked = node.send(new CompleteTask(ID, execution, 1, null)).step();
        assertEquals(RuntimeStatus.Running, node.instance(ID).status(), String.valueOf(node.instance(ID).failure()));
        assertEquals(List.of(new CallEntity("@account@alice", "add", json(1), ID, execution, 2)), sent(worked));

        StepResult done = node.send(new CompleteEntityOperation(ID, execution, 2, null)).step();
        assertEquals(RuntimeStatus.Completed, node.instance(ID).status());
        assertEquals(List.of(new ReleaseEntityLock("@account@alice", ID, execution, 0)), sent(done));
    }
}
