package io.durablekafka.gateway.views;

import io.durablekafka.common.messages.StartOrchestration;

/**
 * A {@link StartOrchestration} seen on the {@code orchestrations} topic that no record of the node reflects yet.
 *
 * @param partition the {@code orchestrations} partition of the record
 * @param offset    its offset there: the node's instance record with {@code inputOffset >= offset} supersedes it
 */
public record PendingStart(String instanceId, int partition, long offset, StartOrchestration start) {
}
