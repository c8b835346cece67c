package io.durablekafka.node.replay;

import java.util.List;

/**
 * The locking rules of critical sections, in one place for both kinds of orchestration code: in-process code
 * ({@link ExecutionContext} throws {@code LockingRulesViolationException} as the code breaks one) and SDK workers'
 * answers (the node's {@code SdkWorkItems} refuses the answer). They are Durable Task's: one critical section at a time,
 * on a sorted set of distinct entities; inside it, calls only to its entities, no signals to them and no
 * sub-orchestrations (a child would not hold the locks). Each method says why a step breaks them, or null.
 *
 * @see io.durablekafka.sdk.LockingRulesViolationException
 */
public final class CriticalSectionRules {

    private CriticalSectionRules() {
    }

    /** @param lockSet the open critical section's entity IDs, null outside one */
    public static String call(List<String> lockSet, String entityId) {
        return lockSet != null && !lockSet.contains(entityId) ? "cannot call entity '" + entityId
                + "' inside a critical section: only the locked entities " + lockSet + " may be called" : null;
    }

    public static String signal(List<String> lockSet, String entityId) {
        return lockSet != null && lockSet.contains(entityId) ? "cannot signal entity '" + entityId
                + "' inside a critical section that locks it; call it instead" : null;
    }

    /** @param requested the entity IDs to lock, as the lock request lists them */
    public static String lock(List<String> lockSet, List<String> requested) {
        if (lockSet != null) {
            return "critical sections cannot be nested: entities " + lockSet + " are already locked";
        }
        for (int i = 1; i < requested.size(); i++) {
            if (requested.get(i - 1).compareTo(requested.get(i)) >= 0) {
                return "the entities of a lock must be sorted and distinct: " + requested;
            }
        }
        return null;
    }

    public static String subOrchestration(List<String> lockSet, String name) {
        return lockSet != null ? "cannot start sub-orchestration '" + name + "' inside a critical section (entities "
                + lockSet + " are locked); close the lock first" : null;
    }
}
