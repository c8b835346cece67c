package io.durablekafka.common.messages;

import com.fasterxml.jackson.databind.JsonNode;

/** Delivers external event {@code name} with {@code input} as payload. */
public record RaiseEvent(String instanceId, String name, JsonNode input) implements OrchestrationMessage {
}
