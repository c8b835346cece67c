package io.durablekafka.common.store;

/**
 * The critical section that holds (or asked for) an entity's lock: the orchestration instance, its execution and
 * the lock task. The one definition of a lock holder, shared by the node (which writes it) and the gateway (which
 * shows it and releases orphaned locks).
 */
public record EntityLockHolder(String instanceId, String executionId, int taskId) {
}
