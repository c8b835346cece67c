package io.durablekafka.sdk;

/**
 * Thrown by the orchestration context when code breaks a critical-section rule: calling an entity that is not
 * locked, signaling a locked entity, locking inside a critical section, or starting a sub-orchestration in one.
 */
public class LockingRulesViolationException extends IllegalStateException {

    public LockingRulesViolationException(String message) {
        super(message);
    }
}
