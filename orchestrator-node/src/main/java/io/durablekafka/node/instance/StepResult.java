package io.durablekafka.node.instance;

import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.InstanceState;
import java.util.List;

/**
 * Everything one step changed for one instance, to be written in one transaction.
 *
 * @param after          the instance's new record; null when it was deleted (purged)
 * @param stateChanged   whether {@code after} differs from the stored record (else there is nothing to write)
 * @param historyDropped the instance's stored history goes first (a new execution, a rewind, a purge)
 * @param chunk          the history events the step appended (null: none)
 * @param effects        the rest, in order
 * @param ended          the instance reached a terminal state: clients wait for this, so it is worth an early commit
 */
public record StepResult(String instanceId, InstanceState after, boolean stateChanged, boolean historyDropped,
                         HistoryChunk chunk, List<Effect> effects, boolean ended) {

    public StepResult {
        effects = List.copyOf(effects);
    }

    /** A step that changed nothing. */
    public static StepResult unchanged(String instanceId, InstanceState state) {
        return new StepResult(instanceId, state, false, false, null, List.of(), false);
    }

    public boolean deleted() {
        return after == null;
    }
}
