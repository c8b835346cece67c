package io.durablekafka.node.instance;

import io.durablekafka.common.messages.OrchestrationMessage;

/** Applies one kind of message to an instance's draft: a command object per message type, owning its logic. */
interface MessageHandler<M extends OrchestrationMessage> {

    /** Applies {@code message}; returns why it was refused (it is dead-lettered), or null. */
    String handle(InstanceDraft draft, M message);

    static String doesNotExist(InstanceDraft d) {
        return "instance '" + d.instanceId() + "' does not exist";
    }
}
