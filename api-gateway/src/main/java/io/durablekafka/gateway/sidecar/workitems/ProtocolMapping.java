package io.durablekafka.gateway.sidecar.workitems;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OrchestrationStatus;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteOrchestratorWork;
import io.durablekafka.common.messages.OrchestratorWorkItem;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Our model and the Durable Task protocol ({@code microsoft/durabletask-protobuf}), both ways, with no I/O: history
 * events and work items out to SDK workers, their actions back in. The one place that knows both (the node knows only
 * our model). The table is in docs/sdk-workers.md.
 *
 * <p>Payloads: our JSON values travel as JSON text in {@code StringValue}s (what the SDKs' data converters read and
 * write); text that is not JSON comes back as a JSON string. Task IDs are the protocol's event IDs (a scheduling
 * event's {@code eventId}, a result's {@code taskScheduledId}/{@code timerId}).
 *
 * <p>Time: our history has no OrchestratorStarted markers (the orchestration's clock is the timestamp of the event
 * being applied), while the SDKs take the time from the last OrchestratorStarted. So an OrchestratorStarted with the
 * event's timestamp goes before every event that runs code (everything but scheduling events and the end): replay sees
 * the same instants the first run saw.
 *
 * <p>Entities: the protocol correlates an entity call's result by the worker's {@code requestId} and a lock's grant by
 * its {@code criticalSectionId} (strings the SDK makes), where we correlate by task ID. Our scheduling events keep the
 * worker's string; a result gets it from the scheduling event with its task ID, which is always in the same work item
 * (past events are the whole execution).
 */
public final class ProtocolMapping {

    private ProtocolMapping() {
    }

    // ------------------------------------------------------------------------------------------ out

    public static OrchestratorService.OrchestratorRequest orchestratorRequest(OrchestratorWorkItem item) {
        Map<Integer, String> ids = correlationIds(item.pastEvents(), item.newEvents());
        return OrchestratorService.OrchestratorRequest.newBuilder()
                .setInstanceId(item.instanceId())
                .setExecutionId(StringValue.of(item.executionId()))
                .addAllPastEvents(events(item.instanceId(), item.pastEvents(), ids))
                .addAllNewEvents(events(item.instanceId(), item.newEvents(), ids))
                .build();
    }

    /** Task ID -> the worker's requestId / criticalSectionId, from the entity calls and lock requests of history. */
    static Map<Integer, String> correlationIds(List<HistoryEvent> past, List<HistoryEvent> fresh) {
        Map<Integer, String> ids = new HashMap<>();
        for (List<HistoryEvent> events : List.of(past, fresh)) {
            for (HistoryEvent e : events) {
                if (e instanceof HistoryEvent.EntityOperationCalled c && c.requestId() != null) {
                    ids.put(c.taskId(), c.requestId());
                } else if (e instanceof HistoryEvent.EntityLockRequested l && l.criticalSectionId() != null) {
                    ids.put(l.taskId(), l.criticalSectionId());
                }
            }
        }
        return ids;
    }

    public static OrchestratorService.ActivityRequest activityRequest(ActivityRequest request) {
        var b = OrchestratorService.ActivityRequest.newBuilder()
                .setName(request.name())
                .setTaskId(request.taskId())
                .setOrchestrationInstance(instance(request.instanceId(), request.executionId()));
        text(request.input()).ifPresent(b::setInput);
        return b.build();
    }

    /** A whole history in the protocol's form, as a work item's past events (StreamInstanceHistory). */
    public static List<OrchestratorService.HistoryEvent> events(String instanceId, List<HistoryEvent> events) {
        return events(instanceId, events, correlationIds(events, List.of()));
    }

    static List<OrchestratorService.HistoryEvent> events(String instanceId, List<HistoryEvent> events,
                                                        Map<Integer, String> ids) {
        List<OrchestratorService.HistoryEvent> out = new ArrayList<>(events.size() * 2);
        for (HistoryEvent e : events) {
            if (runsCode(e)) {
                out.add(OrchestratorService.HistoryEvent.newBuilder().setEventId(-1).setTimestamp(timestamp(e.timestamp()))
                        .setOrchestratorStarted(OrchestratorService.OrchestratorStartedEvent.getDefaultInstance()).build());
            }
            OrchestratorService.HistoryEvent mapped = event(instanceId, e, ids);
            if (mapped != null) {
                out.add(mapped);
            }
        }
        return out;
    }

    private static boolean runsCode(HistoryEvent e) {
        return !(e instanceof HistoryEvent.TaskScheduled || e instanceof HistoryEvent.TimerCreated
                || e instanceof HistoryEvent.SubOrchestrationInstanceCreated || e instanceof HistoryEvent.EventSent
                || e instanceof HistoryEvent.ExecutionCompleted || e instanceof HistoryEvent.OrchestratorStarted
                || e instanceof HistoryEvent.EntityOperationCalled || e instanceof HistoryEvent.EntityOperationSignaled
                || e instanceof HistoryEvent.EntityLockRequested || e instanceof HistoryEvent.EntityUnlockSent);
    }

    /**
     * One of our events as the protocol's; {@code ids} gives entity results the worker's requestId / criticalSectionId
     * ({@link #correlationIds}). Entity events without the worker's string (made by in-process code, which an SDK
     * worker never replays) get the task ID as text.
     */
    static OrchestratorService.HistoryEvent event(String instanceId, HistoryEvent e, Map<Integer, String> ids) {
        var b = OrchestratorService.HistoryEvent.newBuilder().setEventId(-1).setTimestamp(timestamp(e.timestamp()));
        switch (e) {
            case HistoryEvent.OrchestratorStarted s ->
                    b.setOrchestratorStarted(OrchestratorService.OrchestratorStartedEvent.getDefaultInstance());
            case HistoryEvent.ExecutionStarted s -> {
                var started = OrchestratorService.ExecutionStartedEvent.newBuilder().setName(s.name())
                        .setOrchestrationInstance(instance(instanceId, s.executionId()));
                text(s.input()).ifPresent(started::setInput);
                if (s.version() != null) {
                    started.setVersion(StringValue.of(s.version()));
                }
                if (s.tags() != null) {
                    started.putAllTags(s.tags());
                }
                if (s.parentInstanceId() != null) {
                    started.setParentInstance(OrchestratorService.ParentInstanceInfo.newBuilder()
                            .setTaskScheduledId(s.parentTaskId() == null ? -1 : s.parentTaskId())
                            .setOrchestrationInstance(instance(s.parentInstanceId(), s.parentExecutionId())));
                }
                b.setExecutionStarted(started);
            }
            case HistoryEvent.TaskScheduled s -> {
                var scheduled = OrchestratorService.TaskScheduledEvent.newBuilder().setName(s.name());
                text(s.input()).ifPresent(scheduled::setInput);
                b.setEventId(s.taskId()).setTaskScheduled(scheduled);
            }
            case HistoryEvent.TaskCompleted c -> {
                var done = OrchestratorService.TaskCompletedEvent.newBuilder().setTaskScheduledId(c.taskScheduledId());
                text(c.result()).ifPresent(done::setResult);
                b.setTaskCompleted(done);
            }
            case HistoryEvent.TaskFailed f -> b.setTaskFailed(OrchestratorService.TaskFailedEvent.newBuilder()
                    .setTaskScheduledId(f.taskScheduledId()).setFailureDetails(failure(f.failure())));
            case HistoryEvent.TimerCreated t -> b.setEventId(t.taskId()).setTimerCreated(
                    OrchestratorService.TimerCreatedEvent.newBuilder().setFireAt(timestamp(t.fireAt())));
            case HistoryEvent.TimerFired t -> b.setTimerFired(OrchestratorService.TimerFiredEvent.newBuilder()
                    .setTimerId(t.timerId()).setFireAt(timestamp(t.fireAt())));
            case HistoryEvent.SubOrchestrationInstanceCreated s -> {
                var created = OrchestratorService.SubOrchestrationInstanceCreatedEvent.newBuilder()
                        .setName(s.name()).setInstanceId(s.instanceId());
                text(s.input()).ifPresent(created::setInput);
                b.setEventId(s.taskId()).setSubOrchestrationInstanceCreated(created);
            }
            case HistoryEvent.SubOrchestrationInstanceCompleted c -> {
                var done = OrchestratorService.SubOrchestrationInstanceCompletedEvent.newBuilder()
                        .setTaskScheduledId(c.taskScheduledId());
                text(c.result()).ifPresent(done::setResult);
                b.setSubOrchestrationInstanceCompleted(done);
            }
            case HistoryEvent.SubOrchestrationInstanceFailed f -> b.setSubOrchestrationInstanceFailed(
                    OrchestratorService.SubOrchestrationInstanceFailedEvent.newBuilder()
                            .setTaskScheduledId(f.taskScheduledId()).setFailureDetails(failure(f.failure())));
            case HistoryEvent.EventRaised r -> {
                var raised = OrchestratorService.EventRaisedEvent.newBuilder().setName(r.name());
                text(r.input()).ifPresent(raised::setInput);
                b.setEventRaised(raised);
            }
            case HistoryEvent.EventSent s -> {
                var sent = OrchestratorService.EventSentEvent.newBuilder().setName(s.name()).setInstanceId(s.instanceId());
                text(s.input()).ifPresent(sent::setInput);
                b.setEventId(s.taskId()).setEventSent(sent);
            }
            case HistoryEvent.ExecutionCompleted c -> {
                var done = OrchestratorService.ExecutionCompletedEvent.newBuilder().setOrchestrationStatus(status(c.orchestrationStatus()));
                text(c.result()).ifPresent(done::setResult);
                if (c.failure() != null) {
                    done.setFailureDetails(failure(c.failure()));
                }
                b.setExecutionCompleted(done);
            }
            case HistoryEvent.ExecutionTerminated t -> {
                var terminated = OrchestratorService.ExecutionTerminatedEvent.newBuilder();
                if (t.reason() != null) {
                    terminated.setInput(StringValue.of(t.reason()));
                }
                b.setExecutionTerminated(terminated);
            }
            case HistoryEvent.ExecutionSuspended s -> {
                var suspended = OrchestratorService.ExecutionSuspendedEvent.newBuilder();
                if (s.reason() != null) {
                    suspended.setInput(StringValue.of(s.reason()));
                }
                b.setExecutionSuspended(suspended);
            }
            case HistoryEvent.ExecutionResumed r -> {
                var resumed = OrchestratorService.ExecutionResumedEvent.newBuilder();
                if (r.reason() != null) {
                    resumed.setInput(StringValue.of(r.reason()));
                }
                b.setExecutionResumed(resumed);
            }
            // Entity events: in histories the protocol names the target (targetInstanceId) and leaves the parent
            // fields (used only in messages between backends) unset.
            case HistoryEvent.EntityOperationCalled c -> {
                var called = OrchestratorService.EntityOperationCalledEvent.newBuilder()
                        .setRequestId(orTaskId(c.requestId(), c.taskId())).setOperation(c.operation())
                        .setTargetInstanceId(StringValue.of(c.entityId()));
                text(c.input()).ifPresent(called::setInput);
                b.setEventId(c.taskId()).setEntityOperationCalled(called);
            }
            case HistoryEvent.EntityOperationSignaled s -> {
                var signaled = OrchestratorService.EntityOperationSignaledEvent.newBuilder()
                        .setRequestId(orTaskId(s.requestId(), s.taskId())).setOperation(s.operation())
                        .setTargetInstanceId(StringValue.of(s.entityId()));
                text(s.input()).ifPresent(signaled::setInput);
                if (s.scheduledTime() != null) {
                    signaled.setScheduledTime(timestamp(s.scheduledTime()));
                }
                b.setEventId(s.taskId()).setEntityOperationSignaled(signaled);
            }
            case HistoryEvent.EntityOperationCompleted c -> {
                var done = OrchestratorService.EntityOperationCompletedEvent.newBuilder()
                        .setRequestId(orTaskId(ids.get(c.taskScheduledId()), c.taskScheduledId()));
                text(c.result()).ifPresent(done::setOutput);
                b.setEntityOperationCompleted(done);
            }
            case HistoryEvent.EntityOperationFailed f -> b.setEntityOperationFailed(
                    OrchestratorService.EntityOperationFailedEvent.newBuilder()
                            .setRequestId(orTaskId(ids.get(f.taskScheduledId()), f.taskScheduledId()))
                            .setFailureDetails(failure(f.failure())));
            case HistoryEvent.EntityLockRequested l -> b.setEventId(l.taskId()).setEntityLockRequested(
                    OrchestratorService.EntityLockRequestedEvent.newBuilder()
                            .setCriticalSectionId(orTaskId(l.criticalSectionId(), l.taskId()))
                            .addAllLockSet(l.lockSet()).setPosition(0));
            case HistoryEvent.EntityLockGranted g -> b.setEntityLockGranted(
                    OrchestratorService.EntityLockGrantedEvent.newBuilder()
                            .setCriticalSectionId(orTaskId(ids.get(g.taskScheduledId()), g.taskScheduledId())));
            case HistoryEvent.EntityUnlockSent u -> {
                // An SDK's unlock names one entity; in-process code's names the whole set (never replayed by an SDK).
                var unlock = OrchestratorService.EntityUnlockSentEvent.newBuilder()
                        .setCriticalSectionId(orTaskId(u.criticalSectionId(), u.taskId()));
                if (!u.lockSet().isEmpty()) {
                    unlock.setTargetInstanceId(StringValue.of(u.lockSet().getFirst()));
                }
                b.setEventId(u.taskId()).setEntityUnlockSent(unlock);
            }
        }
        return b.build();
    }

    private static String orTaskId(String workerId, int taskId) {
        return workerId != null ? workerId : Integer.toString(taskId);
    }

    // ------------------------------------------------------------------------------------------ in

    /**
     * A worker's answer to work item {@code item} in our model. Actions the node cannot carry out (terminate another
     * instance, an entity call scheduled for later) make the answer a failure of the execution, so that nothing is
     * silently dropped.
     */
    public static CompleteOrchestratorWork completion(OrchestratorWorkItem item, OrchestratorService.OrchestratorResponse response,
                                                      Instant now) {
        List<HistoryEvent> actions = new ArrayList<>();
        HistoryEvent.ExecutionCompleted end = null;
        List<HistoryEvent.EventRaised> carriedOver = new ArrayList<>();
        for (OrchestratorService.OrchestratorAction a : response.getActionsList()) {
            int id = a.getId();
            switch (a.getOrchestratorActionTypeCase()) {
                case SCHEDULETASK -> actions.add(new HistoryEvent.TaskScheduled(now, id, a.getScheduleTask().getName(),
                        json(a.getScheduleTask().hasInput() ? a.getScheduleTask().getInput() : null)));
                case CREATETIMER -> actions.add(new HistoryEvent.TimerCreated(now, id, instant(a.getCreateTimer().getFireAt())));
                case CREATESUBORCHESTRATION -> {
                    var s = a.getCreateSubOrchestration();
                    actions.add(new HistoryEvent.SubOrchestrationInstanceCreated(now, id, s.getName(), s.getInstanceId(),
                            json(s.hasInput() ? s.getInput() : null)));
                }
                case SENDEVENT -> {
                    var s = a.getSendEvent();
                    actions.add(new HistoryEvent.EventSent(now, id, s.getInstance().getInstanceId(), s.getName(),
                            json(s.hasData() ? s.getData() : null)));
                }
                case SENDENTITYMESSAGE -> {
                    HistoryEvent entityAction = entityAction(now, id, a.getSendEntityMessage());
                    if (entityAction == null) {
                        end = unsupported(now, "entity message " + a.getSendEntityMessage().getEntityMessageTypeCase());
                        continue;
                    }
                    actions.add(entityAction);
                }
                case COMPLETEORCHESTRATION -> {
                    var c = a.getCompleteOrchestration();
                    RuntimeStatus status = switch (c.getOrchestrationStatus()) {
                        case ORCHESTRATION_STATUS_COMPLETED -> RuntimeStatus.Completed;
                        case ORCHESTRATION_STATUS_FAILED -> RuntimeStatus.Failed;
                        case ORCHESTRATION_STATUS_CONTINUED_AS_NEW -> RuntimeStatus.ContinuedAsNew;
                        default -> null;
                    };
                    if (status == null) {
                        end = unsupported(now, "completion as " + c.getOrchestrationStatus());
                        continue;
                    }
                    JsonNode result = json(c.hasResult() ? c.getResult() : null);
                    FailureDetails failure = c.hasFailureDetails() ? failure(c.getFailureDetails()) : null;
                    if (status == RuntimeStatus.Failed && failure == null) {
                        failure = FailureDetails.of("OrchestrationFailed", c.hasDetails() ? c.getDetails().getValue()
                                : "the orchestration failed");
                    }
                    end = new HistoryEvent.ExecutionCompleted(now, status, status == RuntimeStatus.Failed ? null : result,
                            failure);
                    for (OrchestratorService.HistoryEvent carried : c.getCarryoverEventsList()) {
                        if (carried.hasEventRaised()) {
                            var r = carried.getEventRaised();
                            carriedOver.add(new HistoryEvent.EventRaised(now, r.getName(),
                                    json(r.hasInput() ? r.getInput() : null)));
                        }
                    }
                }
                default -> end = unsupported(now, "action " + a.getOrchestratorActionTypeCase());
            }
        }
        JsonNode customStatus = response.hasCustomStatus() ? json(response.getCustomStatus()) : null;
        return new CompleteOrchestratorWork(item.instanceId(), item.executionId(), item.workSeq(), actions, customStatus,
                end, carriedOver);
    }

    /**
     * A {@code sendEntityMessage} action as our entity event, with the worker's requestId / criticalSectionId kept;
     * null for what the engine has no counterpart for (a call scheduled for later, a lock request that does not start
     * at the first entity). Missing targets stay null: the node refuses the action (SdkWorkItems checks entity IDs).
     */
    static HistoryEvent entityAction(Instant now, int id, OrchestratorService.SendEntityMessageAction m) {
        return switch (m.getEntityMessageTypeCase()) {
            case ENTITYOPERATIONSIGNALED -> {
                var s = m.getEntityOperationSignaled();
                yield new HistoryEvent.EntityOperationSignaled(now, id, target(s.hasTargetInstanceId(), s.getTargetInstanceId()),
                        s.getOperation(), json(s.hasInput() ? s.getInput() : null),
                        s.hasScheduledTime() ? instant(s.getScheduledTime()) : null, orNull(s.getRequestId()));
            }
            case ENTITYOPERATIONCALLED -> {
                var c = m.getEntityOperationCalled();
                yield c.hasScheduledTime() ? null : new HistoryEvent.EntityOperationCalled(now, id,
                        target(c.hasTargetInstanceId(), c.getTargetInstanceId()), c.getOperation(),
                        json(c.hasInput() ? c.getInput() : null), orNull(c.getRequestId()));
            }
            case ENTITYLOCKREQUESTED -> {
                var l = m.getEntityLockRequested();
                yield l.getPosition() != 0 ? null
                        : new HistoryEvent.EntityLockRequested(now, id, List.copyOf(l.getLockSetList()), orNull(l.getCriticalSectionId()));
            }
            case ENTITYUNLOCKSENT -> {
                var u = m.getEntityUnlockSent();
                yield new HistoryEvent.EntityUnlockSent(now, id, u.hasTargetInstanceId()
                        ? List.of(u.getTargetInstanceId().getValue()) : List.of(), orNull(u.getCriticalSectionId()));
            }
            case ENTITYMESSAGETYPE_NOT_SET -> null;
        };
    }

    private static String orNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String target(boolean present, StringValue value) {
        return present && !value.getValue().isEmpty() ? value.getValue() : null;
    }

    private static HistoryEvent.ExecutionCompleted unsupported(Instant now, String what) {
        return new HistoryEvent.ExecutionCompleted(now, RuntimeStatus.Failed, null, FailureDetails.of(
                "UnsupportedAction", what + " is not supported for SDK orchestrations on durable-kafka"));
    }

    public static FailureDetails failure(OrchestratorService.TaskFailureDetails f) {
        return new FailureDetails(f.getErrorType(), f.getErrorMessage(),
                f.hasStackTrace() ? f.getStackTrace().getValue() : null,
                f.hasInnerFailure() ? failure(f.getInnerFailure()) : null);
    }

    static OrchestratorService.TaskFailureDetails failure(FailureDetails f) {
        var b = OrchestratorService.TaskFailureDetails.newBuilder()
                .setErrorType(f == null || f.errorType() == null ? "" : f.errorType())
                .setErrorMessage(f == null || f.errorMessage() == null ? "" : f.errorMessage());
        if (f != null && f.stackTrace() != null) {
            b.setStackTrace(StringValue.of(f.stackTrace()));
        }
        if (f != null && f.innerFailure() != null) {
            b.setInnerFailure(failure(f.innerFailure()));
        }
        return b.build();
    }

    // ------------------------------------------------------------------------------------------ values

    static OrchestrationStatus status(RuntimeStatus s) {
        return switch (s) {
            case Running -> OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
            case Completed -> OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
            case ContinuedAsNew -> OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW;
            case Failed -> OrchestrationStatus.ORCHESTRATION_STATUS_FAILED;
            case Canceled -> OrchestrationStatus.ORCHESTRATION_STATUS_CANCELED;
            case Terminated -> OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED;
            case Pending -> OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
            case Suspended -> OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED;
        };
    }

    private static OrchestratorService.OrchestrationInstance instance(String instanceId, String executionId) {
        var b = OrchestratorService.OrchestrationInstance.newBuilder().setInstanceId(instanceId);
        if (executionId != null) {
            b.setExecutionId(StringValue.of(executionId));
        }
        return b.build();
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** A JSON value as the JSON text SDKs read (absent: null). */
    static java.util.Optional<StringValue> text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(StringValue.of(Json.MAPPER.writeValueAsString(value)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON text from an SDK as a JSON value; text that is not JSON is kept as a string. */
    public static JsonNode json(StringValue value) {
        if (value == null || value.getValue().isEmpty()) {
            return null;
        }
        try {
            return Json.parse(value.getValue());
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(value.getValue());
        }
    }
}
