package io.durablekafka.node.entities;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.TaskEntity;
import java.time.Instant;
import java.util.List;

/** A counter entity and shorthand for the messages entities receive. */
final class TestEntities {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final String COUNTER = "@counter@c1";
    static final EntityInstanceId AUDIT = new EntityInstanceId("Counter", "audit");

    public static class Counter extends TaskEntity<Integer> {
        public void add(int amount) {
            state += amount;
        }

        public int get() {
            return state;
        }

        /** Changes the state, signals the audit counter, then throws: none of it may stick. */
        public void boom() {
            state = -1;
            context.signalEntity(AUDIT, "add", 1);
            throw new IllegalStateException("boom");
        }

        /** Signals the audit counter and starts an orchestration; returns the orchestration's ID. */
        public String report() {
            context.signalEntity(AUDIT, "add", state);
            return context.startNewOrchestration("Report", state);
        }
    }

    static final FunctionRegistry REGISTRY = FunctionRegistry.builder().addEntity("Counter", Counter::new).build();

    private TestEntities() {
    }

    static JsonNode json(Object value) {
        return Json.toTree(value);
    }

    static SignalEntity signal(String entity, String operation, Object input) {
        return SignalEntity.of(entity, operation, json(input));
    }

    static CallEntity call(String entity, String operation, Object input, String caller, int taskId) {
        return new CallEntity(entity, operation, json(input), caller, executionOf(caller), taskId);
    }

    static RequestEntityLock lockRequest(String entity, String owner, List<String> lockSet) {
        return new RequestEntityLock(entity, owner, executionOf(owner), 0, lockSet, lockSet.indexOf(entity));
    }

    static ReleaseEntityLock release(String entity, String owner) {
        return new ReleaseEntityLock(entity, owner, executionOf(owner), 0);
    }

    static String executionOf(String instanceId) {
        return "exec-of-" + instanceId;
    }
}
