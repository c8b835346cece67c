package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders history the way the Durable Functions extension shows it with {@code showHistory=true}: PascalCase
 * properties, {@code EventType} first and {@code Timestamp} last; a TaskScheduled (SubOrchestrationInstanceCreated)
 * merged into its completion or failure, which gets its {@code FunctionName} and {@code ScheduledTime} (a scheduled
 * task without a result yet stays listed); results only with {@code showHistoryOutput=true}. The nodes'
 * OrchestratorStarted episode markers never get here: the views leave them out.
 */
public final class HistoryRenderer {

    private HistoryRenderer() {
    }

    private record Scheduled(String name, Instant time, String instanceId) {
    }

    public static ArrayNode render(List<HistoryRecord> records, boolean showInput, boolean showHistoryOutput) {
        Map<Integer, Scheduled> tasks = new HashMap<>();
        Map<Integer, Scheduled> subOrchestrations = new HashMap<>();
        Set<Integer> finishedTasks = new HashSet<>();
        Set<Integer> finishedSubOrchestrations = new HashSet<>();
        for (HistoryRecord r : records) {
            switch (r.event()) {
                case HistoryEvent.TaskScheduled e -> tasks.put(e.taskId(), new Scheduled(e.name(), e.timestamp(), null));
                case HistoryEvent.SubOrchestrationInstanceCreated e ->
                        subOrchestrations.put(e.taskId(), new Scheduled(e.name(), e.timestamp(), e.instanceId()));
                case HistoryEvent.TaskCompleted e -> finishedTasks.add(e.taskScheduledId());
                case HistoryEvent.TaskFailed e -> finishedTasks.add(e.taskScheduledId());
                case HistoryEvent.SubOrchestrationInstanceCompleted e -> finishedSubOrchestrations.add(e.taskScheduledId());
                case HistoryEvent.SubOrchestrationInstanceFailed e -> finishedSubOrchestrations.add(e.taskScheduledId());
                case null, default -> {
                }
            }
        }

        ArrayNode out = Json.MAPPER.createArrayNode();
        for (HistoryRecord r : records) {
            HistoryEvent event = r.event();
            if (event == null) {
                continue;
            }
            ObjectNode node = Json.MAPPER.createObjectNode();
            node.put("EventType", event.getClass().getSimpleName());
            switch (event) {
                case HistoryEvent.ExecutionStarted e -> {
                    node.put("FunctionName", e.name());
                    // Beyond Azure's fields: where a sub-orchestration came from (the dashboard links it).
                    if (e.parentInstanceId() != null) {
                        node.put("ParentInstanceId", e.parentInstanceId());
                    }
                    if (showInput) {
                        node.set("Input", StatusRenderer.orNull(e.input()));
                    }
                }
                case HistoryEvent.TaskScheduled e -> {
                    if (finishedTasks.contains(e.taskId())) {
                        continue;
                    }
                    node.put("Name", e.name());
                }
                case HistoryEvent.TaskCompleted e -> {
                    scheduled(node, tasks.get(e.taskScheduledId()));
                    if (showHistoryOutput) {
                        node.set("Result", StatusRenderer.orNull(e.result()));
                    }
                }
                case HistoryEvent.TaskFailed e -> {
                    scheduled(node, tasks.get(e.taskScheduledId()));
                    failure(node, e.failure());
                }
                case HistoryEvent.SubOrchestrationInstanceCreated e -> {
                    if (finishedSubOrchestrations.contains(e.taskId())) {
                        continue;
                    }
                    node.put("Name", e.name());
                    node.put("InstanceId", e.instanceId());
                }
                case HistoryEvent.SubOrchestrationInstanceCompleted e -> {
                    scheduled(node, subOrchestrations.get(e.taskScheduledId()));
                    if (showHistoryOutput) {
                        node.set("Result", StatusRenderer.orNull(e.result()));
                    }
                }
                case HistoryEvent.SubOrchestrationInstanceFailed e -> {
                    scheduled(node, subOrchestrations.get(e.taskScheduledId()));
                    failure(node, e.failure());
                }
                case HistoryEvent.TimerCreated e -> node.put("FireAt", time(e.fireAt()));
                case HistoryEvent.TimerFired e -> node.put("FireAt", time(e.fireAt()));
                case HistoryEvent.EventRaised e -> {
                    node.put("Name", e.name());
                    if (showHistoryOutput) {
                        node.set("Input", StatusRenderer.orNull(e.input()));
                    }
                }
                case HistoryEvent.EventSent e -> {
                    node.put("Name", e.name());
                    node.put("InstanceId", e.instanceId());
                    if (showHistoryOutput) {
                        node.set("Input", StatusRenderer.orNull(e.input()));
                    }
                }
                case HistoryEvent.ExecutionCompleted e -> {
                    node.put("OrchestrationStatus", e.orchestrationStatus() == null ? null : e.orchestrationStatus().name());
                    if (showHistoryOutput) {
                        node.set("Result", StatusRenderer.orNull(e.result()));
                    }
                    if (e.failure() != null) {
                        node.set("FailureDetails", failureDetails(e.failure()));
                    }
                }
                case HistoryEvent.ExecutionTerminated e -> node.put("Reason", e.reason());
                case HistoryEvent.ExecutionSuspended e -> node.put("Reason", e.reason());
                case HistoryEvent.ExecutionResumed e -> node.put("Reason", e.reason());
                default -> {
                    // an event type this gateway does not know yet: its type and time only
                }
            }
            node.put("Timestamp", time(event.timestamp()));
            out.add(node);
        }
        return out;
    }

    private static void scheduled(ObjectNode node, Scheduled scheduled) {
        if (scheduled != null) {
            node.put("FunctionName", scheduled.name());
            node.put("ScheduledTime", time(scheduled.time()));
            // Beyond Azure's fields: which child a finished sub-orchestration was (the dashboard links it).
            if (scheduled.instanceId() != null) {
                node.put("InstanceId", scheduled.instanceId());
            }
        }
    }

    /** A failed task or sub-orchestration: {@code Reason} and {@code Details} as in Azure, plus the details. */
    private static void failure(ObjectNode node, FailureDetails f) {
        if (f == null) {
            return;
        }
        node.put("Reason", f.errorMessage());
        node.put("Details", f.stackTrace());
        node.set("FailureDetails", failureDetails(f));
    }

    private static ObjectNode failureDetails(FailureDetails f) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("ErrorType", f.errorType());
        node.put("ErrorMessage", f.errorMessage());
        node.put("StackTrace", f.stackTrace());
        if (f.innerFailure() != null) {
            node.set("InnerFailure", failureDetails(f.innerFailure()));
        }
        return node;
    }

    /** History times keep their full precision, e.g. {@code 2018-02-28T05:18:49.3452372Z}. */
    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
