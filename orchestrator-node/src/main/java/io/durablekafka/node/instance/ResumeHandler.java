package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ResumeOrchestration;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.node.replay.OrchestrationRunner;
import java.util.List;

/** Resumes a suspended instance and delivers the events kept while it was suspended. */
final class ResumeHandler implements MessageHandler<ResumeOrchestration> {

    private final ExecutionSteps steps;
    private final OrchestrationRunner runner;

    ResumeHandler(ExecutionSteps steps, OrchestrationRunner runner) {
        this.steps = steps;
        this.runner = runner;
    }

    @Override
    public String handle(InstanceDraft d, ResumeOrchestration r) {
        return switch (InstanceCommand.RESUME.verdict(d.exists() ? d.status() : null)) {
            case NOT_FOUND -> MessageHandler.doesNotExist(d);
            case APPLY -> {
                long size = d.historySize();
                d.append(new HistoryEvent.ExecutionResumed(d.now(), r.reason()));
                runner.appendedOutsideCode(d.instanceId(), d.executionId(), size, 1);
                d.transitionTo(RuntimeStatus.Running);
                List<HistoryEvent> kept = d.takeDeferred();
                if (!kept.isEmpty()) {
                    steps.deliver(d, kept);
                }
                yield null;
            }
            default -> null;
        };
    }
}
