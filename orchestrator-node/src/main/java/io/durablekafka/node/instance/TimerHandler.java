package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.DueItem;

/** Fires a durable timer that came due (its index entry is already gone): a scheduled start, or a timer of code. */
final class TimerHandler {

    private final ExecutionSteps steps;
    private final EventHandler events;

    TimerHandler(ExecutionSteps steps, EventHandler events) {
        this.steps = steps;
        this.events = events;
    }

    void fire(InstanceDraft d, DueItem.Timer timer) {
        if (!d.exists() || d.timers().stream().noneMatch(t -> t.timerId() == timer.timerId())) {
            return; // cancelled meanwhile (the instance ended, was replaced or purged)
        }
        d.timerFired(timer.timerId());
        if (timer.timerId() == SdkWorkItems.WORK_TIMER) {
            steps.sdkWorkExpired(d);
            return;
        }
        if (d.status() == RuntimeStatus.Pending && timer.timerId() == StartHandler.SCHEDULED_START_TIMER) {
            steps.startNew(d, d.takeDeferred());
        } else {
            events.deliver(d, new HistoryEvent.TimerFired(d.now(), timer.timerId(), timer.fireAt()));
        }
    }
}
