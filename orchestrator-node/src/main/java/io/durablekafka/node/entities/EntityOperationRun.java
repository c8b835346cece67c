package io.durablekafka.node.entities;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.TaskEntityContext;
import io.durablekafka.sdk.TaskEntityOperation;
import io.durablekafka.sdk.TaskEntityState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** One operation as the entity's code sees it: its input, the state, and an outbox of messages it sends. */
final class EntityOperationRun implements TaskEntityOperation, TaskEntityContext, TaskEntityState {

    /** The operation's result, or why it failed. */
    record Result(JsonNode result, FailureDetails failure) {
    }

    private final EntityInstanceId entity;
    private final String name;
    private final JsonNode input;
    private final boolean isCall;
    private final long operationNumber;
    private final Instant now;
    private final List<OrchestrationMessage> outbox = new ArrayList<>();
    private JsonNode state;
    private int started;

    EntityOperationRun(EntityInstanceId entity, String name, JsonNode input, boolean isCall, JsonNode state,
                       long operationNumber, Instant now) {
        this.entity = entity;
        this.name = name;
        this.input = input;
        this.isCall = isCall;
        this.state = state;
        this.operationNumber = operationNumber;
        this.now = now;
    }

    JsonNode state() {
        return state;
    }

    List<OrchestrationMessage> outbox() {
        return outbox;
    }

    @Override
    public String getOperationName() {
        return name;
    }

    @Override
    public EntityInstanceId getEntityId() {
        return entity;
    }

    @Override
    public boolean hasInput() {
        return input != null && !input.isNull() && !input.isMissingNode();
    }

    @Override
    public <T> T getInput(Class<T> type) {
        return copyOf(input, type);
    }

    @Override
    public TaskEntityContext getContext() {
        return this;
    }

    @Override
    public TaskEntityState getState() {
        return this;
    }

    @Override
    public boolean isCall() {
        return isCall;
    }

    @Override
    public boolean hasState() {
        return state != null;
    }

    @Override
    public <T> T getState(Class<T> type) {
        return copyOf(state, type);
    }

    @Override
    public void setState(Object value) {
        JsonNode tree = value == null ? null : Json.toTree(value);
        if (tree != null && (tree.isNull() || tree.isMissingNode())) {
            tree = null;
        }
        this.state = tree != null && tree.isContainerNode() && value == tree ? tree.deepCopy() : tree;
    }

    @Override
    public void signalEntity(EntityInstanceId target, String operation, Object signalInput, Instant scheduledTime) {
        Objects.requireNonNull(target, "entity");
        if (operation == null || operation.isEmpty()) {
            throw new IllegalArgumentException("operation name must not be empty");
        }
        outbox.add(new SignalEntity(target.toString(), operation, Json.toTree(signalInput), scheduledTime, entity.toString()));
    }

    @Override
    public String startNewOrchestration(String orchestration, Object orchestrationInput, String instanceId) {
        if (orchestration == null || orchestration.isBlank()) {
            throw new IllegalArgumentException("orchestration name must not be empty");
        }
        String target = instanceId;
        if (target == null) {
            // Deterministic, so that a batch that runs again after an aborted transaction starts the same instance.
            target = UUID.nameUUIDFromBytes((entity + "|" + operationNumber + "|" + (started++))
                    .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
        } else if (EntityInstanceId.isEntityId(target)) {
            throw new IllegalArgumentException("orchestration instance IDs must not start with '@': " + target);
        }
        outbox.add(new StartOrchestration(target, orchestration, Json.toTree(orchestrationInput), null, null, now));
        return target;
    }

    private static <T> T copyOf(JsonNode node, Class<T> type) {
        if (node != null && node.isContainerNode() && (type == JsonNode.class || type == Object.class
                || JsonNode.class.isAssignableFrom(type))) {
            return type.cast(node.deepCopy());
        }
        return Json.fromTree(node, type);
    }
}
