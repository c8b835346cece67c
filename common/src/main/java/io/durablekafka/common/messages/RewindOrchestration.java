package io.durablekafka.common.messages;

/**
 * Rewinds a Failed instance: failed activities and failed sub-orchestrations (recursively rewound) run again,
 * successful steps are kept, and the instance returns to Running. Ignored for instances not Failed.
 */
public record RewindOrchestration(String instanceId, String reason) implements OrchestrationMessage {
}
