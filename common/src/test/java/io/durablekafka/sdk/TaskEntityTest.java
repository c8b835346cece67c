package io.durablekafka.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dispatch, state handling and IDs of the entity programming model, without a node. */
class TaskEntityTest {

    public static class Counter extends TaskEntity<Integer> {
        public void add(int amount) {
            state += amount;
        }

        public int get() {
            return state;
        }

        public String whoAmI(TaskEntityContext ctx, TaskEntityOperation op) {
            return ctx.getEntityId() + " " + op.getOperationName();
        }

        public void boom() {
            state = -1;
            throw new IllegalStateException("boom");
        }
    }

    public static class Cart extends TaskEntity<Cart.Items> {
        public static class Items {
            public List<String> names = new ArrayList<>();
        }

        public int put(String item) {
            state.names.add(item);
            return state.names.size();
        }

        public void delete() {
            state = null; // an explicit delete replaces the implicit one
            context.signalEntity(new EntityInstanceId("Audit", "carts"), "deleted", "cart");
        }
    }

    public static class Overloaded extends TaskEntity<Integer> {
        public void set(int v) {
            state = v;
        }

        public void set(String v) {
            state = Integer.parseInt(v);
        }
    }

    /** An in-memory operation: the state as JSON, signals collected. */
    static final class Op implements TaskEntityOperation, TaskEntityContext, TaskEntityState {
        final String name;
        final JsonNode input;
        JsonNode state;
        final List<String> signals = new ArrayList<>();

        Op(String name, Object input, JsonNode state) {
            this.name = name;
            this.input = input == null ? null : Json.toTree(input);
            this.state = state;
        }

        public String getOperationName() {
            return name;
        }

        public EntityInstanceId getEntityId() {
            return new EntityInstanceId("Test", "k");
        }

        public boolean hasInput() {
            return input != null;
        }

        public <T> T getInput(Class<T> type) {
            return Json.fromTree(input, type);
        }

        public TaskEntityContext getContext() {
            return this;
        }

        public TaskEntityState getState() {
            return this;
        }

        public boolean isCall() {
            return true;
        }

        public boolean hasState() {
            return state != null;
        }

        public <T> T getState(Class<T> type) {
            return Json.fromTree(state, type);
        }

        public void setState(Object value) {
            state = value == null ? null : Json.toTree(value);
        }

        public void signalEntity(EntityInstanceId entity, String operation, Object in, Instant at) {
            signals.add(entity + "." + operation);
        }

        public String startNewOrchestration(String orchestration, Object in, String instanceId) {
            return instanceId;
        }
    }

    private static Object run(ITaskEntity entity, Op op) throws Exception {
        return entity.run(op);
    }

    @Test
    void operationsDispatchByNameIgnoringCaseWithImplicitCreationAndDelete() throws Exception {
        Op add = new Op("ADD", 5, null);
        assertNull(run(new Counter(), add));
        assertEquals(5, add.state.asInt(), "created from the initial state 0");
        Op get = new Op("Get", null, add.state);
        assertEquals(5, run(new Counter(), get));
        Op who = new Op("whoami", null, add.state);
        assertEquals("@test@k whoami", run(new Counter(), who));
        Op delete = new Op("delete", null, add.state);
        run(new Counter(), delete);
        assertNull(delete.state, "implicit delete removes the state");
        assertThrows(UnsupportedOperationException.class, () -> run(new Counter(), new Op("nope", null, null)));
        assertThrows(IllegalArgumentException.class, () -> run(new Counter(), new Op("add", null, null)),
                "a primitive input is required");
    }

    @Test
    void failingOperationLeavesTheStoredStateAlone() {
        Op boom = new Op("boom", null, Json.toTree(3));
        assertThrows(IllegalStateException.class, () -> run(new Counter(), boom));
        assertEquals(3, boom.state.asInt());
    }

    @Test
    void objectStateAndExplicitDelete() throws Exception {
        Op put = new Op("put", "apple", null);
        assertEquals(1, run(new Cart(), put));
        Op put2 = new Op("put", "pear", put.state);
        assertEquals(2, run(new Cart(), put2));
        assertEquals("[\"apple\",\"pear\"]", put2.state.get("names").toString());
        Op delete = new Op("delete", null, put2.state);
        run(new Cart(), delete);
        assertNull(delete.state);
        assertEquals(List.of("@audit@carts.deleted"), delete.signals);
    }

    @Test
    void overloadedOperationsAreRejected() {
        var e = assertThrows(IllegalStateException.class, () -> run(new Overloaded(), new Op("set", 1, null)));
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    }

    @Test
    void entityIdsAreAtNameAtKeyWithTheNameInLowerCase() {
        EntityInstanceId id = new EntityInstanceId("Counter", "a@b");
        assertEquals("@counter@a@b", id.toString());
        assertEquals(id, EntityInstanceId.parse("@counter@a@b"));
        assertTrue(EntityInstanceId.isEntityId("@x@y"));
        assertFalse(EntityInstanceId.isEntityId("order-1"));
        assertThrows(IllegalArgumentException.class, () -> EntityInstanceId.parse("@Counter@x"));
        assertThrows(IllegalArgumentException.class, () -> EntityInstanceId.parse("@@x"));
        assertThrows(IllegalArgumentException.class, () -> EntityInstanceId.parse("counter@x"));
        assertThrows(IllegalArgumentException.class, () -> new EntityInstanceId("a@b", "x"));
    }

    @Test
    void registryFindsEntitiesIgnoringCase() {
        FunctionRegistry registry = FunctionRegistry.builder().addEntity("Counter", Counter::new).build();
        assertTrue(registry.entity("counter").isPresent());
        assertTrue(registry.entity("COUNTER").isPresent());
        assertEquals(java.util.Set.of("counter"), registry.entityNames());
        assertThrows(IllegalArgumentException.class,
                () -> FunctionRegistry.builder().addEntity("Counter", Counter::new).addEntity("counter", Counter::new));
    }
}
