package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import java.time.Instant;

/**
 * Copies of events with another timestamp. An event kept for later (while suspended, before a scheduled start)
 * enters history when it is delivered, and its timestamp, which is the orchestration's clock while it is applied,
 * must say so.
 */
final class Restamp {

    private Restamp() {
    }

    static HistoryEvent at(HistoryEvent e, Instant t) {
        return switch (e) {
            case HistoryEvent.EventRaised x -> new HistoryEvent.EventRaised(t, x.name(), x.input());
            case HistoryEvent.TaskCompleted x -> new HistoryEvent.TaskCompleted(t, x.taskScheduledId(), x.result());
            case HistoryEvent.TaskFailed x -> new HistoryEvent.TaskFailed(t, x.taskScheduledId(), x.failure());
            case HistoryEvent.TimerFired x -> new HistoryEvent.TimerFired(t, x.timerId(), x.fireAt());
            case HistoryEvent.SubOrchestrationInstanceCompleted x ->
                    new HistoryEvent.SubOrchestrationInstanceCompleted(t, x.taskScheduledId(), x.result());
            case HistoryEvent.SubOrchestrationInstanceFailed x ->
                    new HistoryEvent.SubOrchestrationInstanceFailed(t, x.taskScheduledId(), x.failure());
            case HistoryEvent.EntityOperationCompleted x ->
                    new HistoryEvent.EntityOperationCompleted(t, x.taskScheduledId(), x.result());
            case HistoryEvent.EntityOperationFailed x ->
                    new HistoryEvent.EntityOperationFailed(t, x.taskScheduledId(), x.failure());
            case HistoryEvent.EntityLockGranted x -> new HistoryEvent.EntityLockGranted(t, x.taskScheduledId());
            default -> e; // not an event that is ever kept for later
        };
    }
}
