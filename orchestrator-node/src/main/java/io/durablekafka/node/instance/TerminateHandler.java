package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.node.replay.OrchestrationRunner;

/** Terminates an active instance; terminating an ended one is a no-op, as in Durable Functions. */
final class TerminateHandler implements MessageHandler<TerminateOrchestration> {

    private final OrchestrationRunner runner;

    TerminateHandler(OrchestrationRunner runner) {
        this.runner = runner;
    }

    @Override
    public String handle(InstanceDraft d, TerminateOrchestration t) {
        return switch (InstanceCommand.TERMINATE.verdict(d.exists() ? d.status() : null)) {
            case NOT_FOUND -> MessageHandler.doesNotExist(d);
            case APPLY -> {
                runner.forget(d.instanceId());
                d.append(new HistoryEvent.ExecutionTerminated(d.now(), t.reason()));
                d.terminate(t.reason());
                yield null;
            }
            default -> null;
        };
    }
}
