package io.durablekafka.common.messages;

/**
 * A message for a durable entity: its key is an entity ID ({@code @name@key}) and an entity, not an orchestration,
 * handles it. The one definition of which messages are entity messages.
 */
public sealed interface EntityMessage extends OrchestrationMessage
        permits SignalEntity, CallEntity, RequestEntityLock, ReleaseEntityLock {

    /**
     * True when the sender waits for this message to be handled (a call or a lock message), so it should run at
     * once rather than wait to join a batch of signals.
     */
    default boolean awaited() {
        return !(this instanceof SignalEntity);
    }
}
