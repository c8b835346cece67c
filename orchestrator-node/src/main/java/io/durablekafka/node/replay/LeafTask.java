package io.durablekafka.node.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;

/** A task completed by one history event: an activity, timer, sub-orchestration or external event. */
final class LeafTask<V> extends DurableTask<V> {

    private final Class<V> type;
    private JsonNode value;
    private RuntimeException failure;

    LeafTask(ExecutionContext ctx, Class<V> type) {
        super(ctx);
        this.type = type;
    }

    void complete(JsonNode result) {
        if (!isDone()) {
            this.value = result;
            markDone();
        }
    }

    void fail(RuntimeException exception) {
        if (!isDone()) {
            this.failure = exception;
            markDone();
        }
    }

    @Override
    public boolean isFailed() {
        return failure != null;
    }

    RuntimeException failure() {
        return failure;
    }

    @Override
    protected V result() {
        if (failure != null) {
            throw failure;
        }
        if (type == Void.class || type == void.class) {
            return null;
        }
        return Json.fromTree(value, type);
    }
}
