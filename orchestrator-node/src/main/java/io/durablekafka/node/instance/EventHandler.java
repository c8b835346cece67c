package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.common.status.RuntimeStatus;
import java.util.List;

/**
 * Delivers an event to an instance's execution: an external event, or the result of something the execution is
 * waiting for (activity, sub-orchestration, entity call, lock, timer). Kept for later while the instance is
 * suspended or not started yet; ignored once it has ended.
 */
final class EventHandler {

    private final ExecutionSteps steps;

    EventHandler(ExecutionSteps steps) {
        this.steps = steps;
    }

    /**
     * An external event: refused when it has no name (no orchestration could wait for it, and a nameless event in
     * the history would break every replay) or there is no such instance.
     */
    String raise(InstanceDraft d, HistoryEvent.EventRaised event) {
        if (event.name() == null || event.name().isBlank()) {
            return "RaiseEvent for '" + d.instanceId() + "' has no event name";
        }
        if (InstanceCommand.RAISE_EVENT.verdict(d.exists() ? d.status() : null) == InstanceCommand.Verdict.NOT_FOUND) {
            return "instance '" + d.instanceId() + "' does not exist; event dropped";
        }
        deliver(d, event);
        return null;
    }

    /**
     * A result for execution {@code executionId} (null: whichever is current). Results for an execution that is gone
     * (ended, continued as new, replaced) are stale duplicates: activities are at-least-once.
     */
    String result(InstanceDraft d, String executionId, HistoryEvent event) {
        if (d.exists() && (executionId == null || executionId.equals(d.executionId()))) {
            deliver(d, event);
        }
        return null;
    }

    void deliver(InstanceDraft d, HistoryEvent event) {
        if (!d.exists() || d.status().isTerminal()) {
            return;
        }
        if (d.status() == RuntimeStatus.Suspended || d.status() == RuntimeStatus.Pending) {
            d.defer(event);
            return;
        }
        steps.deliver(d, List.of(event));
    }
}
