package io.durablekafka.gateway.sidecar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.EntityMetadata;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OrchestrationState;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OrchestrationStatus;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.TaskFailureDetails;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.EntityLockHolder;
import io.durablekafka.gateway.views.EntityView;
import io.durablekafka.gateway.views.InstanceView;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Our instance and entity records as the Durable Task protocol's messages, and its values as ours. Payloads are
 * JSON text on the wire (the SDKs' data converters write and read JSON), JSON trees here.
 */
final class SidecarMessages {

    private SidecarMessages() {
    }

    /**
     * The protocol's state of an instance. Inputs and outputs only when asked for; the custom status always (the
     * SDKs show it with the metadata). {@code completedTimestamp} is the last update of an instance that ended.
     */
    static OrchestrationState state(InstanceView view, boolean inputsAndOutputs) {
        InstanceStatus s = view.status();
        OrchestrationState.Builder b = OrchestrationState.newBuilder()
                .setInstanceId(s.instanceId())
                .setName(nullToEmpty(s.name()))
                .setOrchestrationStatus(status(s.runtimeStatus()));
        if (s.executionId() != null) {
            b.setExecutionId(StringValue.of(s.executionId()));
        }
        if (s.createdTime() != null) {
            b.setCreatedTimestamp(timestamp(s.createdTime()));
        }
        if (s.lastUpdatedTime() != null) {
            b.setLastUpdatedTimestamp(timestamp(s.lastUpdatedTime()));
            if (s.runtimeStatus() != null && s.runtimeStatus().isTerminal()) {
                b.setCompletedTimestamp(timestamp(s.lastUpdatedTime()));
            }
        }
        if (view.isPendingStart() && view.pending().start().scheduledStartTime() != null) {
            b.setScheduledStartTimestamp(timestamp(view.pending().start().scheduledStartTime()));
        }
        if (s.parentInstanceId() != null) {
            b.setParentInstanceId(StringValue.of(s.parentInstanceId()));
        }
        if (s.version() != null) {
            b.setVersion(StringValue.of(s.version()));
        }
        if (s.tags() != null) {
            b.putAllTags(s.tags());
        }
        if (s.customStatus() != null && !s.customStatus().isNull()) {
            b.setCustomStatus(StringValue.of(json(s.customStatus())));
        }
        if (inputsAndOutputs) {
            if (s.input() != null) {
                b.setInput(StringValue.of(json(s.input())));
            }
            if (s.output() != null) {
                b.setOutput(StringValue.of(json(s.output())));
            }
        }
        if (s.failureDetails() != null) {
            b.setFailureDetails(failure(s.failureDetails()));
        }
        return b.build();
    }

    static TaskFailureDetails failure(FailureDetails f) {
        TaskFailureDetails.Builder b = TaskFailureDetails.newBuilder()
                .setErrorType(nullToEmpty(f.errorType()))
                .setErrorMessage(nullToEmpty(f.errorMessage()));
        if (f.stackTrace() != null) {
            b.setStackTrace(StringValue.of(f.stackTrace()));
        }
        if (f.innerFailure() != null) {
            b.setInnerFailure(failure(f.innerFailure()));
        }
        return b.build();
    }

    /** A status record without a status is a start the node has not processed: Pending. */
    static OrchestrationStatus status(RuntimeStatus s) {
        if (s == null) {
            return OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
        }
        return switch (s) {
            case Pending -> OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
            case Running -> OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
            case Suspended -> OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED;
            case ContinuedAsNew -> OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW;
            case Completed -> OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
            case Failed -> OrchestrationStatus.ORCHESTRATION_STATUS_FAILED;
            case Canceled -> OrchestrationStatus.ORCHESTRATION_STATUS_CANCELED;
            case Terminated -> OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED;
        };
    }

    /** The runtime statuses of a filter (empty: any, returned as null). */
    static Set<RuntimeStatus> statuses(List<OrchestrationStatus> given) {
        if (given.isEmpty()) {
            return null;
        }
        Set<RuntimeStatus> result = EnumSet.noneOf(RuntimeStatus.class);
        for (OrchestrationStatus s : given) {
            result.add(switch (s) {
                case ORCHESTRATION_STATUS_PENDING -> RuntimeStatus.Pending;
                case ORCHESTRATION_STATUS_RUNNING -> RuntimeStatus.Running;
                case ORCHESTRATION_STATUS_SUSPENDED -> RuntimeStatus.Suspended;
                case ORCHESTRATION_STATUS_CONTINUED_AS_NEW -> RuntimeStatus.ContinuedAsNew;
                case ORCHESTRATION_STATUS_COMPLETED -> RuntimeStatus.Completed;
                case ORCHESTRATION_STATUS_FAILED -> RuntimeStatus.Failed;
                case ORCHESTRATION_STATUS_CANCELED -> RuntimeStatus.Canceled;
                case ORCHESTRATION_STATUS_TERMINATED -> RuntimeStatus.Terminated;
                case UNRECOGNIZED -> throw SidecarErrors.invalid("runtimeStatus holds an unknown status number.");
            });
        }
        return result;
    }

    /** An entity's metadata; its state (JSON) only when asked for. Signals are not queued here: no backlog. */
    static EntityMetadata entity(EntityView entity, boolean includeState) {
        EntityMetadata.Builder b = EntityMetadata.newBuilder().setInstanceId(entity.entityId());
        if (entity.lastOperationTime() != null) {
            b.setLastModifiedTime(timestamp(entity.lastOperationTime()));
        }
        EntityLockHolder holder = entity.lockedBy();
        if (holder != null) {
            b.setLockedBy(StringValue.of(holder.instanceId()));
        }
        if (includeState && entity.state() != null) {
            b.setSerializedState(StringValue.of(json(entity.state())));
        }
        return b.build();
    }

    /** A JSON payload of a request (absent or empty: none). */
    static JsonNode payload(boolean present, StringValue value, String field) {
        if (!present || value.getValue().isEmpty()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(value.getValue());
        } catch (JsonProcessingException e) {
            throw SidecarErrors.invalid("'" + field + "' must be JSON text (the SDKs' data converters write JSON), "
                    + "but it is not: " + e.getOriginalMessage());
        }
    }

    static String json(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    /** A timestamp field of a request (absent: null). */
    static Instant instant(boolean present, Timestamp t) {
        return present ? Instant.ofEpochSecond(t.getSeconds(), t.getNanos()) : null;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
