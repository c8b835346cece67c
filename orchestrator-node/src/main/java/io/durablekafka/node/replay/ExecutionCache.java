package io.durablekafka.node.replay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Live executions of one stream task, least recently used first out. Evicted executions are abandoned (their
 * threads end) and rebuilt by replay when their instance is next touched, so the cache bounds memory while the
 * state of any number of waiting instances stays in the store.
 *
 * <p>The in-step rule: a cached execution is used only for the execution it ran (same execution ID) and only when
 * it has seen exactly the history the store holds now (same size). A step that was applied to the cache but whose
 * transaction aborted leaves the cache ahead of the store: the sizes differ and the execution is replayed.
 */
final class ExecutionCache {

    private final int capacity;
    private final LinkedHashMap<String, Execution> live = new LinkedHashMap<>(16, 0.75f, true);

    ExecutionCache(int capacity) {
        this.capacity = capacity;
    }

    /** The cached execution if it is in step with a stored history of {@code historySize} events, else null. */
    Execution inStep(String instanceId, String executionId, long historySize) {
        Execution e = live.get(instanceId);
        if (e != null && e.executionId().equals(executionId) && e.historySize() == historySize && !e.isFinished()) {
            return e;
        }
        return null;
    }

    void put(String instanceId, Execution execution) {
        if (capacity <= 0) {
            execution.abandon();
            return;
        }
        Execution previous = live.put(instanceId, execution);
        if (previous != null && previous != execution) {
            previous.abandon();
        }
        while (live.size() > capacity) {
            Map.Entry<String, Execution> eldest = live.entrySet().iterator().next();
            live.remove(eldest.getKey());
            eldest.getValue().abandon();
        }
    }

    void remove(String instanceId) {
        Execution e = live.remove(instanceId);
        if (e != null) {
            e.abandon();
        }
    }

    void clear() {
        live.values().forEach(Execution::abandon);
        live.clear();
    }

    int size() {
        return live.size();
    }
}
