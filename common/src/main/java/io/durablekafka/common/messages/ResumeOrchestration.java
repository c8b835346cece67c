package io.durablekafka.common.messages;

/** Resumes the instance; {@code reason} is recorded in its history. */
public record ResumeOrchestration(String instanceId, String reason) implements OrchestrationMessage {
}
