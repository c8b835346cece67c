package io.durablekafka.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.durablekafka.common.history.HistoryEvent;
import java.util.List;

/**
 * Work for an out-of-process (SDK) worker: run orchestration {@code name} of instance {@code instanceId} over its
 * past events and apply the new ones. The value of a record on {@code dk.<hub>.sdk-orchestrator-work} (key = instance
 * ID), written by the node that owns the instance; answered with {@link CompleteOrchestratorWork} on
 * {@code orchestrations} carrying the same execution ID and {@code workSeq}, which identify the state the work item was
 * built on. A work item may be delivered more than once; the node applies one answer per {@code workSeq}.
 */
@JsonIgnoreProperties(value = {"type", "v"}, allowGetters = true, ignoreUnknown = true)
public record OrchestratorWorkItem(String instanceId, String executionId, long workSeq, String name,
                                   List<HistoryEvent> pastEvents, List<HistoryEvent> newEvents) {

    public static final int SCHEMA_VERSION = 1;

    public OrchestratorWorkItem {
        pastEvents = pastEvents == null ? List.of() : List.copyOf(pastEvents);
        newEvents = newEvents == null ? List.of() : List.copyOf(newEvents);
    }

    @JsonProperty("type")
    public String type() {
        return "OrchestratorWorkItem";
    }

    @JsonProperty("v")
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
