package io.durablekafka.common.messages;

/** Suspends the instance: events that arrive meanwhile are kept and delivered after resume. */
public record SuspendOrchestration(String instanceId, String reason) implements OrchestrationMessage {
}
