package io.durablekafka.node.replay;

import static io.durablekafka.node.replay.Events.EXECUTION;
import static io.durablekafka.node.replay.Events.INSTANCE;
import static io.durablekafka.node.replay.Events.completed;
import static io.durablekafka.node.replay.Events.failed;
import static io.durablekafka.node.replay.Events.json;
import static io.durablekafka.node.replay.Events.scheduled;
import static io.durablekafka.node.replay.Events.started;
import static io.durablekafka.node.replay.Events.t;
import static io.durablekafka.node.replay.Events.timerCreated;
import static io.durablekafka.node.replay.Events.timerFired;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.RetryPolicy;
import io.durablekafka.sdk.TaskFailedException;
import io.durablekafka.sdk.TaskOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Declarative retries: a failed attempt waits on a durable timer, then the activity is scheduled again. */
class RetryTest {

    /** Up to 3 attempts, 10 s then 20 s apart. */
    static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ofSeconds(10)).setBackoffCoefficient(2.0);
    /** Up to 5 attempts 10 s apart, but no retry later than 15 s after the first attempt. */
    static final RetryPolicy WITHIN_15_SECONDS = new RetryPolicy(5, Duration.ofSeconds(10))
            .setRetryTimeout(Duration.ofSeconds(15));

    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            .addOrchestration("Retried", ctx -> ctx.complete(
                    ctx.callActivity("Flaky", "job", TaskOptions.withRetryPolicy(THREE_ATTEMPTS), String.class).await()))
            .addOrchestration("RetriedBriefly", ctx -> ctx.complete(
                    ctx.callActivity("Flaky", "job", TaskOptions.withRetryPolicy(WITHIN_15_SECONDS), String.class).await()))
            .build();

    private final ReplayHarness live = new ReplayHarness(REGISTRY, 100);

    @Test
    void aFailedAttemptArmsATimerAndTheTimerSchedulesTheNextAttempt() {
        live.start(started("Retried", null));

        OrchestratorResponse firstFailure = live.deliver(t(1), failed(1, 0, "try again"));
        assertEquals(List.of(new Action.CreateTimer(1, t(11))), firstFailure.actions());
        assertEquals(List.of(failed(1, 0, "try again"), timerCreated(1, 1, t(11))), firstFailure.appended());

        OrchestratorResponse retry = live.deliver(t(11), timerFired(11, 1, t(11)));
        assertEquals(List.of(new Action.ScheduleActivity(2, "Flaky", json("job"), "default")), retry.actions());

        OrchestratorResponse secondFailure = live.deliver(t(12), failed(12, 2, "try again"));
        assertEquals(List.of(new Action.CreateTimer(3, t(32))), secondFailure.actions(), "the back-off doubles the wait");

        live.deliver(t(32), timerFired(32, 3, t(32)));
        OrchestratorResponse success = live.deliver(t(33), completed(33, 4, "done"));
        assertEquals(new OrchestratorResponse.Completed(json("done")), success.completion());
    }

    @Test
    void whenEveryAttemptFailedTheTaskFailsWithTheLastFailure() {
        live.start(started("Retried", null));
        live.deliver(t(1), failed(1, 0, "attempt 1"));
        live.deliver(t(11), timerFired(11, 1, t(11)));
        live.deliver(t(12), failed(12, 2, "attempt 2"));
        live.deliver(t(32), timerFired(32, 3, t(32)));

        OrchestratorResponse last = live.deliver(t(33), failed(33, 4, "attempt 3"));

        var failure = assertInstanceOf(OrchestratorResponse.Failed.class, last.completion()).failure();
        assertEquals(TaskFailedException.class.getName(), failure.errorType());
        assertTrue(failure.errorMessage().contains("attempt 3"), failure.errorMessage());
        assertEquals(List.of(), last.actions(), "no fourth attempt");
    }

    @Test
    void noRetryIsScheduledPastTheRetryTimeout() {
        live.start(started("RetriedBriefly", null));
        assertEquals(List.of(new Action.CreateTimer(1, t(11))), live.deliver(t(1), failed(1, 0, "1")).actions());
        live.deliver(t(11), timerFired(11, 1, t(11)));

        // A retry would wait until t(22), past the 15 s allowed since the first attempt.
        OrchestratorResponse second = live.deliver(t(12), failed(12, 2, "2"));

        assertEquals(List.of(), second.actions());
        assertInstanceOf(OrchestratorResponse.Failed.class, second.completion());
    }

    @Test
    void retriesReplayFromHistoryWithTheSameTaskIds() {
        List<HistoryEvent> past = List.of(started("Retried", null),
                scheduled(0, 0, "Flaky", "job"), failed(1, 0, "1"), timerCreated(1, 1, t(11)),
                timerFired(11, 1, t(11)), scheduled(11, 2, "Flaky", "job"), failed(12, 2, "2"), timerCreated(12, 3, t(32)));
        var runner = new OrchestrationRunner(REGISTRY, 100, Duration.ofSeconds(10));

        OrchestratorResponse retry = runner.run(new OrchestratorRequest(INSTANCE, EXECUTION, past.size(), () -> past,
                List.of(timerFired(32, 3, t(32))), t(32)));

        assertEquals(List.of(new Action.ScheduleActivity(4, "Flaky", json("job"), "default")), retry.actions());
        assertNull(retry.completion());
    }
}
