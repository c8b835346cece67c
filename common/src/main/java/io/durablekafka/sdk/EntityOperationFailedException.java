package io.durablekafka.sdk;

import io.durablekafka.common.status.FailureDetails;

/** Thrown by {@link Task#await()} of a {@code callEntity} task whose operation threw in the entity. */
public class EntityOperationFailedException extends TaskFailedException {

    private final EntityInstanceId entityId;
    private final String operationName;

    public EntityOperationFailedException(EntityInstanceId entityId, String operationName, int taskId,
                                          FailureDetails errorDetails) {
        super("Operation '" + operationName + "' of entity '" + entityId + "' failed: "
                        + (errorDetails == null ? "unknown error" : errorDetails.errorMessage()),
                entityId + "." + operationName, taskId, errorDetails);
        this.entityId = entityId;
        this.operationName = operationName;
    }

    public EntityInstanceId getEntityId() {
        return entityId;
    }

    public String getOperationName() {
        return operationName;
    }
}
