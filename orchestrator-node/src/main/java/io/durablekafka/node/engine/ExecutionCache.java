package io.durablekafka.node.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Live executions of one stream task, least recently used first out. Evicted executions are abandoned
 * (their threads end) and rebuilt by replay when their instance is next touched, so the cache bounds memory
 * while the state of any number of waiting instances stays in RocksDB.
 */
final class ExecutionCache {

    private final int capacity;
    private final LinkedHashMap<String, Execution> live = new LinkedHashMap<>(16, 0.75f, true);

    ExecutionCache(int capacity) {
        this.capacity = capacity;
    }

    Execution get(String instanceId) {
        return live.get(instanceId);
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
