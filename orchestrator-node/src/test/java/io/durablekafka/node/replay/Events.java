package io.durablekafka.node.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.List;

/**
 * Hand-built history events for replay tests. Times are whole seconds after {@link #T0} (millisecond precision, as
 * the store keeps them), so a history reads like a timeline: {@code completed(5, 0, "x")} is "at T0+5s, task 0
 * returned x".
 */
final class Events {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final String INSTANCE = "order-42";
    static final String EXECUTION = "exec-1";

    private Events() {
    }

    static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    static JsonNode json(Object value) {
        return Json.toTree(value);
    }

    static HistoryEvent.ExecutionStarted started(String name, Object input) {
        return started(0, name, input);
    }

    static HistoryEvent.ExecutionStarted started(long at, String name, Object input) {
        return new HistoryEvent.ExecutionStarted(t(at), name, EXECUTION, json(input), null, null, null);
    }

    static HistoryEvent.TaskScheduled scheduled(long at, int taskId, String name, Object input) {
        return new HistoryEvent.TaskScheduled(t(at), taskId, name, json(input));
    }

    static HistoryEvent.TaskCompleted completed(long at, int taskId, Object result) {
        return new HistoryEvent.TaskCompleted(t(at), taskId, json(result));
    }

    static HistoryEvent.TaskFailed failed(long at, int taskId, String message) {
        return new HistoryEvent.TaskFailed(t(at), taskId, FailureDetails.of("java.lang.IllegalStateException", message));
    }

    static HistoryEvent.TimerCreated timerCreated(long at, int taskId, Instant fireAt) {
        return new HistoryEvent.TimerCreated(t(at), taskId, fireAt);
    }

    static HistoryEvent.TimerFired timerFired(long at, int timerId, Instant fireAt) {
        return new HistoryEvent.TimerFired(t(at), timerId, fireAt);
    }

    static HistoryEvent.EventRaised raised(long at, String name, Object input) {
        return new HistoryEvent.EventRaised(t(at), name, json(input));
    }

    static HistoryEvent.EntityOperationCalled entityCalled(long at, int taskId, String entityId, String operation, Object input) {
        return new HistoryEvent.EntityOperationCalled(t(at), taskId, entityId, operation, json(input));
    }

    static HistoryEvent.EntityOperationCompleted entityCompleted(long at, int taskId, Object result) {
        return new HistoryEvent.EntityOperationCompleted(t(at), taskId, json(result));
    }

    static HistoryEvent.EntityOperationFailed entityFailed(long at, int taskId, String message) {
        return new HistoryEvent.EntityOperationFailed(t(at), taskId, FailureDetails.of("java.lang.IllegalStateException", message));
    }

    static HistoryEvent.EntityLockRequested lockRequested(long at, int taskId, List<String> lockSet) {
        return new HistoryEvent.EntityLockRequested(t(at), taskId, lockSet);
    }

    static HistoryEvent.EntityLockGranted lockGranted(long at, int taskId) {
        return new HistoryEvent.EntityLockGranted(t(at), taskId);
    }

    static HistoryEvent.ExecutionCompleted executionCompleted(long at, Object output) {
        return new HistoryEvent.ExecutionCompleted(t(at), RuntimeStatus.Completed, json(output), null);
    }
}
