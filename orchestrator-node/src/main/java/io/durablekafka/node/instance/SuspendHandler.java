package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.SuspendOrchestration;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.node.replay.OrchestrationRunner;

/** Suspends a running instance: events that arrive meanwhile are kept and delivered on resume. */
final class SuspendHandler implements MessageHandler<SuspendOrchestration> {

    private final OrchestrationRunner runner;

    SuspendHandler(OrchestrationRunner runner) {
        this.runner = runner;
    }

    @Override
    public String handle(InstanceDraft d, SuspendOrchestration s) {
        return switch (InstanceCommand.SUSPEND.verdict(d.exists() ? d.status() : null)) {
            case NOT_FOUND -> MessageHandler.doesNotExist(d);
            case APPLY -> {
                long size = d.historySize();
                d.append(new HistoryEvent.ExecutionSuspended(d.now(), s.reason()));
                runner.appendedOutsideCode(d.instanceId(), d.executionId(), size, 1);
                d.transitionTo(RuntimeStatus.Suspended);
                yield null;
            }
            default -> null;
        };
    }
}
