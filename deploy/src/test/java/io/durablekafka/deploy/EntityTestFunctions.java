package io.durablekafka.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.EntityLock;
import io.durablekafka.sdk.EntityOperationFailedException;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.LockingRulesViolationException;
import io.durablekafka.sdk.TaskEntity;
import io.durablekafka.sdk.TaskEntityContext;
import java.util.ArrayList;
import java.util.List;

/** The samples (Counter, Account, Transfer among them) plus orchestrations and entities for the entity tests. */
final class EntityTestFunctions {

    private EntityTestFunctions() {
    }

    static EntityInstanceId counter(String key) {
        return new EntityInstanceId("Counter", key);
    }

    /** Forwards to other entities and starts orchestrations from its operations. */
    public static class Relay extends TaskEntity<Integer> {
        /** Input {"counter": key, "amount": n}: signals add(n) to that counter; counts the relayed signals. */
        public int forward(JsonNode input, TaskEntityContext ctx) {
            ctx.signalEntity(counter(input.path("counter").asText()), "add", input.path("amount").asInt());
            return ++state;
        }

        /** Input: an instance ID; starts HelloCities as that instance. */
        public String startHello(String instanceId) {
            return context.startNewOrchestration("HelloCities", null, instanceId);
        }

        /** Signals, then fails: neither the signal nor the state change may survive. */
        public void forwardAndFail(String counterKey, TaskEntityContext ctx) {
            state += 100;
            ctx.signalEntity(counter(counterKey), "add", 1000);
            throw new IllegalStateException("relay failed on purpose");
        }
    }

    static FunctionRegistry registry() {
        FunctionRegistry.Builder b = FunctionRegistry.builder();
        new io.durablekafka.examples.Samples().register(b);
        return b
                .addEntity("Relay", Relay::new)
                // Input {"key", "op", "input"?}: calls the counter and outputs the result (or the failure).
                .addOrchestration("CallCounter", ctx -> {
                    JsonNode in = ctx.getInput(JsonNode.class);
                    ctx.complete(ctx.callEntity(counter(in.path("key").asText()), in.path("op").asText(),
                            in.get("input"), JsonNode.class).await());
                })
                // Input: a counter key. Two signals then a call from one orchestration: they run in that order.
                .addOrchestration("SignalSignalGet", ctx -> {
                    EntityInstanceId c = counter(ctx.getInput(String.class));
                    ctx.signalEntity(c, "add", 5);
                    ctx.signalEntity(c, "add", 5);
                    ctx.complete(ctx.callEntity(c, "get", Integer.class).await());
                })
                // Input {"account", "amount"}: withdraws; outputs the failure message when the operation fails.
                .addOrchestration("Withdraw", ctx -> {
                    JsonNode in = ctx.getInput(JsonNode.class);
                    EntityInstanceId account = new EntityInstanceId("Account", in.path("account").asText());
                    try {
                        ctx.complete(ctx.callEntity(account, "withdraw", in.path("amount").asLong(), Long.class).await());
                    } catch (EntityOperationFailedException e) {
                        ctx.complete("failed: " + e.getErrorDetails().errorMessage());
                    }
                })
                // Input: a counter key. Breaks each critical-section rule once and outputs what it was told.
                .addOrchestration("BreakLockRules", ctx -> {
                    String key = ctx.getInput(String.class);
                    List<String> violations = new ArrayList<>();
                    try (EntityLock lock = ctx.lockEntities(counter(key))) {
                        try {
                            ctx.callEntity(counter(key + "-other"), "get", Integer.class);
                        } catch (LockingRulesViolationException e) {
                            violations.add("call: " + e.getMessage());
                        }
                        try {
                            ctx.lockEntities(counter(key + "-other"));
                        } catch (LockingRulesViolationException e) {
                            violations.add("nested: " + e.getMessage());
                        }
                        try {
                            ctx.signalEntity(counter(key), "add", 1);
                        } catch (LockingRulesViolationException e) {
                            violations.add("signal: " + e.getMessage());
                        }
                        try {
                            ctx.callSubOrchestrator("HelloCities", null);
                        } catch (LockingRulesViolationException e) {
                            violations.add("sub-orchestration: " + e.getMessage());
                        }
                        violations.add("inside: " + ctx.isInCriticalSection() + ", locked " + lock.getLockedEntities());
                        ctx.callEntity(counter(key), "add", 1).await();
                    }
                    violations.add("after: " + ctx.isInCriticalSection());
                    ctx.complete(violations);
                })
                // Input: a counter key. Locks it, adds 1 and fails.
                .addOrchestration("LockAndFail", ctx -> {
                    EntityInstanceId c = counter(ctx.getInput(String.class));
                    try (EntityLock lock = ctx.lockEntities(c)) {
                        ctx.callEntity(c, "add", 1).await();
                        throw new IllegalStateException("failing inside the critical section");
                    }
                })
                // Input: a counter key. Locks it and waits for event Go (tests terminate it).
                .addOrchestration("LockAndWait", ctx -> {
                    EntityInstanceId c = counter(ctx.getInput(String.class));
                    try (EntityLock lock = ctx.lockEntities(c)) {
                        ctx.callEntity(c, "add", 1).await();
                        ctx.waitForExternalEvent("Go").await();
                    }
                })
                // Input: a counter key. Locks it and outputs its value.
                .addOrchestration("LockAndGet", ctx -> {
                    EntityInstanceId c = counter(ctx.getInput(String.class));
                    try (EntityLock lock = ctx.lockEntities(c)) {
                        ctx.complete(ctx.callEntity(c, "get", Integer.class).await());
                    }
                })
                .build();
    }
}
