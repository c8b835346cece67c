package io.durablekafka.common.messages;

/** What an entity sends back to an orchestration that waits: the answer to a call, or a lock grant. */
public sealed interface EntityAnswer extends OrchestrationMessage
        permits CompleteEntityOperation, FailEntityOperation, GrantEntityLock {

    /** The execution of the orchestration that waits (null: whichever is current). */
    String executionId();

    /** The task the orchestration waits under. */
    int taskId();
}
