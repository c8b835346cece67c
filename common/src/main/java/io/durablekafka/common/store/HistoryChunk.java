package io.durablekafka.common.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.durablekafka.common.history.HistoryEvent;
import java.util.List;

/**
 * The history events one step appended to an instance (key {@link StoreKeys#historyChunk}): event {@code i} of
 * the chunk has sequence number {@code firstSeq + i} in its execution's history.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HistoryChunk(String instanceId, String executionId, long firstSeq, List<HistoryEvent> events) {

    public HistoryChunk {
        events = List.copyOf(events);
    }
}
