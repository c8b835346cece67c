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
import java.util.List;

/**
 * Our model and the Durable Task protocol ({@code microsoft/durabletask-protobuf}), both ways, with no I/O: history
 * events and work items out to SDK workers, their actions back in. The one place that knows both (the node knows only
 * our model). The table is in docs/sdk-workers-worker.md.
 *
 * <p>Payloads: our JSON values travel as JSON text in {@code StringValue}s (what the SDKs' data converters read and
 * write); text that is not JSON comes back as a JSON string. Task IDs are the protocol's event IDs (a scheduling
 * event's {@code eventId}, a result's {@code taskScheduledId}/{@code timerId}).
 *
 * <p>Time: our history has no OrchestratorStarted markers (the orchestration's clock is the timestamp of the event
 * being applied), while the SDKs take the time from the last OrchestratorStarted. So an OrchestratorStarted with the
 * event's timestamp goes before every event that runs code (everything but scheduling events and the end): replay sees
 * the same instants the first run saw.
 */
public final class ProtocolMapping {

    private ProtocolMapping() {
    }

    // ------------------------------------------------------------------------------------------ out

    public static OrchestratorService.OrchestratorRequest orchestratorRequest(OrchestratorWorkItem item) {
        return OrchestratorService.OrchestratorRequest.newBuilder()
                .setInstanceId(item.instanceId())
                .setExecutionId(StringValue.of(item.executionId()))
                .addAllPastEvents(events(item.instanceId(), item.pastEvents()))
                .addAllNewEvents(events(item.instanceId(), item.newEvents()))
                .build();
    }

    public static OrchestratorService.ActivityRequest activityRequest(ActivityRequest request) {
        var b = OrchestratorService.ActivityRequest.newBuilder()
                .setName(request.name())
                .setTaskId(request.taskId())
                .setOrchestrationInstance(instance(request.instanceId(), request.executionId()));
        text(request.input()).ifPresent(b::setInput);
        return b.build();
    }

    public static List<OrchestratorService.HistoryEvent> events(String instanceId, List<HistoryEvent> events) {
        List<OrchestratorService.HistoryEvent> out = new ArrayList<>(events.size() * 2);
        for (HistoryEvent e : events) {
            if (runsCode(e)) {
                out.add(OrchestratorService.HistoryEvent.newBuilder().setEventId(-1).setTimestamp(timestamp(e.timestamp()))
                        .setOrchestratorStarted(OrchestratorService.OrchestratorStartedEvent.getDefaultInstance()).build());
            }
            OrchestratorService.HistoryEvent mapped = event(instanceId, e);
            if (mapped != null) {
                out.add(mapped);
            }
        }
        return out;
    }

    private static boolean runsCode(HistoryEvent e) {
        return !(e instanceof HistoryEvent.TaskScheduled || e instanceof HistoryEvent.TimerCreated
                || e instanceof HistoryEvent.SubOrchestrationInstanceCreated || e instanceof HistoryEvent.EventSent
                || e instanceof HistoryEvent.ExecutionCompleted || e instanceof HistoryEvent.OrchestratorStarted);
    }

    /** One of our events as the protocol's; null for the ones SDK orchestrations never see (entities). */
    static OrchestratorService.HistoryEvent event(String instanceId, HistoryEvent e) {
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
            default -> {
                return null; // entity events: SDK orchestrations cannot call entities here (docs/sdk-workers-worker.md)
            }
        }
        return b.build();
    }

    // ------------------------------------------------------------------------------------------ in

    /**
     * A worker's answer to work item {@code item} in our model. Actions the node cannot carry out (terminate another
     * instance, entity messages) make the answer a failure of the execution, so that nothing is silently dropped.
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
