package io.durablekafka.node.instance;

import static io.durablekafka.node.instance.EngineHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.InstanceState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The draft's status machine and what {@code finish()} writes. */
class InstanceDraftTest {

    private static InstanceState stored(RuntimeStatus status) {
        return new InstanceState("i", "Sequence", "e1", status, null, null, null, null, T0, T0, 2, null, List.of(),
                List.of(), 7, null, status, 5);
    }

    private static InstanceDraft draft(RuntimeStatus status) {
        return InstanceDraft.of("i", stored(status), 8, T0.plusSeconds(1));
    }

    @ParameterizedTest(name = "{0} -> {1} is refused")
    @CsvSource({"Completed, Suspended", "Completed, Failed", "Terminated, Completed", "Failed, Suspended",
            "Suspended, Completed", "Running, Pending"})
    void illegalTransitionsAreRefused(RuntimeStatus from, RuntimeStatus to) {
        InstanceDraft d = draft(from);

        assertThrows(IllegalStateException.class, () -> d.transitionTo(to));
        assertEquals(from, d.status());
    }

    @ParameterizedTest(name = "{0} -> {1} is allowed")
    @CsvSource({"Pending, Running", "Running, Suspended", "Suspended, Running", "Running, Completed",
            "Failed, Running", "Completed, Running", "Suspended, Terminated"})
    void legalTransitionsAreAllowed(RuntimeStatus from, RuntimeStatus to) {
        InstanceDraft d = draft(from);

        d.transitionTo(to);

        assertEquals(to, d.status());
    }

    @Test
    void aStepThatChangesNothingWritesNothing() {
        StepResult step = draft(RuntimeStatus.Running).finish();

        assertFalse(step.stateChanged());
        assertEquals(stored(RuntimeStatus.Running), step.after());
        assertEquals(List.of(), step.effects());
    }

    @Test
    void aChangedRecordGetsTheNextRevisionAndTheStepsOffsetAndTime() {
        InstanceDraft d = draft(RuntimeStatus.Running);
        d.transitionTo(RuntimeStatus.Suspended);

        StepResult step = d.finish();

        assertTrue(step.stateChanged());
        assertEquals(6, step.after().revision());
        assertEquals(8, step.after().inputOffset());
        assertEquals(T0.plusSeconds(1), step.after().lastUpdatedTime());
        assertEquals(RuntimeStatus.Suspended, step.after().publishedStatus());
        assertEquals(1, EngineHarness.published(step).size());
    }

    @Test
    void aChangeThatKeepsTheStatusPublishesNothing() {
        InstanceDraft d = draft(RuntimeStatus.Running);
        d.setCustomStatus(TestOrchestrations.json("busy"));

        StepResult step = d.finish();

        assertTrue(step.stateChanged());
        assertEquals(List.of(), EngineHarness.published(step));
    }
}
