package io.durablekafka.node.replay;

import io.durablekafka.common.history.HistoryEvent;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One unit of work for the replay core, the Durable Task work-item seam: an execution's past events (as stored)
 * and the new events to apply. Past events are read only when no cached execution is in step with them, so they
 * come as a supplier with their count.
 *
 * @param pastSize   how many events the execution's stored history has
 * @param pastEvents reads them (ExecutionStarted first), on a cache miss only
 * @param newEvents  events to apply in order; a new execution's first is its ExecutionStarted
 * @param now        the time of this step: the timestamp of the events the step appends
 */
public record OrchestratorRequest(String instanceId, String executionId, long pastSize,
                                  Supplier<List<HistoryEvent>> pastEvents, List<HistoryEvent> newEvents, Instant now) {

    public OrchestratorRequest {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(now, "now");
        newEvents = List.copyOf(newEvents);
    }

    /** The work item of a new execution: no past, {@code started} first. */
    public static OrchestratorRequest newExecution(String instanceId, HistoryEvent.ExecutionStarted started,
                                                   List<? extends HistoryEvent> carriedOver) {
        List<HistoryEvent> events = new java.util.ArrayList<>(1 + carriedOver.size());
        events.add(started);
        events.addAll(carriedOver);
        return new OrchestratorRequest(instanceId, started.executionId(), 0, List::of, events, started.timestamp());
    }
}
