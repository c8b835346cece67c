package io.durablekafka.common.messages;

/**
 * What a gateway writes back for an {@link EntityWorkItem}: its SDK worker's answer, or that the work was given up.
 * Keyed by the entity ID like entity messages, but never queued: the node checks it against the entity's outstanding
 * work item at once.
 */
public sealed interface EntityWorkAnswer extends OrchestrationMessage permits CompleteEntityWork, AbandonEntityWork {

    /** The work item answered. */
    long workSeq();
}
