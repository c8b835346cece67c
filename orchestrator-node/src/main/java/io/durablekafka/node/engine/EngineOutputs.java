package io.durablekafka.node.engine;

import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.status.InstanceStatus;

/** Where the engine's output records go; in the node, sinks of the Kafka Streams topology. */
public interface EngineOutputs {

    void activity(String taskQueue, ActivityRequest request);

    /** A message for another (or the same) instance, keyed by {@code message.instanceId()}. */
    void orchestration(OrchestrationMessage message);

    /** The instance's latest status; null writes a tombstone. */
    void status(String instanceId, InstanceStatus status);

    /** One history record under {@code key}; null writes a tombstone. */
    void history(String key, HistoryRecord record);
}
