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
import io.durablekafka.common.messages.CompleteSubOrchestration;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.FailSubOrchestration;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
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
}
