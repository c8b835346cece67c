package io.durablekafka.node.instance;

import io.durablekafka.common.messages.PurgeInstance;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.node.replay.OrchestrationRunner;

/** Deletes an ended instance: its record, history and timers, and its record on the status topic. */
final class PurgeHandler implements MessageHandler<PurgeInstance> {

    private final OrchestrationRunner runner;

    PurgeHandler(OrchestrationRunner runner) {
        this.runner = runner;
    }

    @Override
    public String handle(InstanceDraft d, PurgeInstance p) {
        return switch (InstanceCommand.PURGE.verdict(d.exists() ? d.status() : null)) {
            case NOT_FOUND -> MessageHandler.doesNotExist(d);
            case ACTIVE -> "instance '" + d.instanceId() + "' is " + d.status() + "; only ended instances can be purged";
            default -> {
                runner.forget(d.instanceId());
                d.purge();
                yield null;
            }
        };
    }
}
