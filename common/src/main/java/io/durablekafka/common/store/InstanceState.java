package io.durablekafka.common.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.StartOrchestration.ParentInstance;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.tracing.TraceContext;
import java.time.Instant;
import java.util.List;

/**
 * The small per-instance record of the node's state store (key {@link StoreKeys#instance}). History lives apart,
 * in chunks, so a step rewrites only this record, whose size does not grow with history. The gateways read it
 * from the store's changelog to answer status queries.
 *
 * @param historySize     events of the current execution's history
 * @param deferred        events that arrived while the instance was suspended (or before a scheduled start),
 *                        delivered on resume
 * @param timers          durable timers still pending, so that they can be removed when the instance ends
 * @param inputOffset     offset, in the instance's {@code orchestrations} partition, of the last input applied
 * @param entityLock      the entity locks the current execution holds or has asked for (null outside a critical
 *                        section), so that they can be released when the instance ends
 * @param publishedStatus the runtime status last published on the {@code status} topic (null: none yet)
 * @param revision        counts the writes of this record (1 when created), so that readers of the changelog can
 *                        tell versions of an instance apart and order them (a cached execution's own rule of being
 *                        in step with the store is its execution ID and history size, see the node's replay core)
 * @param callbackUrl     the completion callback the instance was started with (null: none); kept here so that it
 *                        survives restarts and continue-as-new, and notified whenever the instance ends
 * @param traceContext    the W3C trace context the instance's records carry (null: none): the start's, or the
 *                        node's span for the start when tracing is on; kept across continue-as-new and rewind
 * @param version         the orchestration version the instance was started with (null: none); kept like
 *                        {@code callbackUrl}
 * @param tags            the start's tags (null: none); kept like {@code callbackUrl}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceState(
        String instanceId,
        String name,
        String executionId,
        RuntimeStatus status,
        JsonNode input,
        JsonNode output,
        JsonNode customStatus,
        FailureDetails failure,
        Instant createdTime,
        Instant lastUpdatedTime,
        long historySize,
        ParentInstance parent,
        List<HistoryEvent> deferred,
        List<PendingTimer> timers,
        long inputOffset,
        EntityLockState entityLock,
        RuntimeStatus publishedStatus,
        long revision,
        String callbackUrl,
        TraceContext traceContext,
        SdkWork sdkWork,
        String version,
        java.util.Map<String, String> tags) {

    /** An instance without a version or tags (records written before they existed read the same way). */
    public InstanceState(String instanceId, String name, String executionId, RuntimeStatus status, JsonNode input,
                         JsonNode output, JsonNode customStatus, FailureDetails failure, Instant createdTime,
                         Instant lastUpdatedTime, long historySize, ParentInstance parent, List<HistoryEvent> deferred,
                         List<PendingTimer> timers, long inputOffset, EntityLockState entityLock,
                         RuntimeStatus publishedStatus, long revision, String callbackUrl, TraceContext traceContext,
                         SdkWork sdkWork) {
        this(instanceId, name, executionId, status, input, output, customStatus, failure, createdTime, lastUpdatedTime,
                historySize, parent, deferred, timers, inputOffset, entityLock, publishedStatus, revision, callbackUrl,
                traceContext, sdkWork, null, null);
    }

    /** An instance without SDK work. */
    public InstanceState(String instanceId, String name, String executionId, RuntimeStatus status, JsonNode input,
                         JsonNode output, JsonNode customStatus, FailureDetails failure, Instant createdTime,
                         Instant lastUpdatedTime, long historySize, ParentInstance parent, List<HistoryEvent> deferred,
                         List<PendingTimer> timers, long inputOffset, EntityLockState entityLock,
                         RuntimeStatus publishedStatus, long revision, String callbackUrl, TraceContext traceContext) {
        this(instanceId, name, executionId, status, input, output, customStatus, failure, createdTime, lastUpdatedTime,
                historySize, parent, deferred, timers, inputOffset, entityLock, publishedStatus, revision, callbackUrl,
                traceContext, null);
    }

    /** An instance without a trace context. */
    public InstanceState(String instanceId, String name, String executionId, RuntimeStatus status, JsonNode input,
                         JsonNode output, JsonNode customStatus, FailureDetails failure, Instant createdTime,
                         Instant lastUpdatedTime, long historySize, ParentInstance parent, List<HistoryEvent> deferred,
                         List<PendingTimer> timers, long inputOffset, EntityLockState entityLock,
                         RuntimeStatus publishedStatus, long revision, String callbackUrl) {
        this(instanceId, name, executionId, status, input, output, customStatus, failure, createdTime, lastUpdatedTime,
                historySize, parent, deferred, timers, inputOffset, entityLock, publishedStatus, revision, callbackUrl,
                null);
    }

    /** An instance without a completion callback. */
    public InstanceState(String instanceId, String name, String executionId, RuntimeStatus status, JsonNode input,
                         JsonNode output, JsonNode customStatus, FailureDetails failure, Instant createdTime,
                         Instant lastUpdatedTime, long historySize, ParentInstance parent, List<HistoryEvent> deferred,
                         List<PendingTimer> timers, long inputOffset, EntityLockState entityLock,
                         RuntimeStatus publishedStatus, long revision) {
        this(instanceId, name, executionId, status, input, output, customStatus, failure, createdTime, lastUpdatedTime,
                historySize, parent, deferred, timers, inputOffset, entityLock, publishedStatus, revision, null, null);
    }

    public InstanceState {
        deferred = deferred == null ? List.of() : List.copyOf(deferred);
        timers = timers == null ? List.of() : List.copyOf(timers);
        tags = tags == null || tags.isEmpty() ? null : java.util.Map.copyOf(tags);
    }

    /**
     * The work of an orchestration run by an out-of-process SDK worker (null: none, or code runs in process).
     *
     * @param seq      the number of the last work item issued for the execution: an answer must name it
     * @param inFlight the new events of the outstanding work item (empty: none outstanding); they enter history when
     *                 its answer is applied
     * @param waiting  events that arrived while a work item was outstanding: the next work item's new events
     * @param deadline when the outstanding work item is issued again if unanswered (a timer of the due-time index)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SdkWork(long seq, List<HistoryEvent> inFlight, List<HistoryEvent> waiting, Instant deadline) {
        public SdkWork {
            inFlight = inFlight == null ? List.of() : List.copyOf(inFlight);
            waiting = waiting == null ? List.of() : List.copyOf(waiting);
        }

        public boolean outstanding() {
            return !inFlight.isEmpty();
        }
    }

    /** A durable timer of the current execution that has not fired. */
    public record PendingTimer(int timerId, Instant fireAt) {
    }

    /** A critical section: the lock task's ID and the locked entities (sorted entity IDs). */
    public record EntityLockState(int taskId, List<String> entities) {
        public EntityLockState {
            entities = entities == null ? List.of() : List.copyOf(entities);
        }
    }

    /** The instance as clients see it (HTTP API, {@code status} topic). */
    public InstanceStatus toStatus() {
        return new InstanceStatus(instanceId, name, executionId, status, input, output, customStatus, failure,
                createdTime, lastUpdatedTime, parent == null ? null : parent.instanceId(), historySize, inputOffset,
                version, tags);
    }
}
