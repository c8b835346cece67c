package io.durablekafka.common.messages;

/** Terminates the instance; {@code reason} becomes its output. */
public record TerminateOrchestration(String instanceId, String reason) implements OrchestrationMessage {
}
