package io.durablekafka.sdk;

import java.util.List;

/**
 * A critical section over locked entities, from {@link TaskOrchestrationContext#lockEntities}. While it is open
 * the orchestration may call only the locked entities, may not signal them, may not lock again and may not start
 * sub-orchestrations. {@link #close()} releases the locks; they are also released when the orchestration ends.
 */
public interface EntityLock extends AutoCloseable {

    /** The locked entities, in lock order (sorted by instance ID). */
    List<EntityInstanceId> getLockedEntities();

    /** Leaves the critical section and releases every lock; closing twice does nothing. */
    @Override
    void close();
}
