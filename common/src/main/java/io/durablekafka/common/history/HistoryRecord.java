package io.durablekafka.common.history;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One history event as published on the {@code history} topic, keyed by {@link #key(String, long)}. The
 * topic is compacted: when an execution's history is dropped (purge, reuse of the ID, continue-as-new) the
 * node writes tombstones for its keys.
 */
@JsonIgnoreProperties(value = {"type", "v"}, allowGetters = true, ignoreUnknown = true)
public record HistoryRecord(String instanceId, String executionId, long seq, HistoryEvent event) {

    public static final int SCHEMA_VERSION = 1;

    public static String key(String instanceId, long seq) {
        return instanceId + "|" + seq;
    }

    @JsonProperty("type")
    public String type() {
        return "HistoryRecord";
    }

    @JsonProperty("v")
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
