package io.durablekafka.node.instance;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.webhooks.WebhookDelivery;

/**
 * Something a step does beyond its own instance's record and history: records for other instances and workers,
 * timers, the public status. Steps only describe effects; the topology's writer carries them out, in the step's
 * transaction.
 */
public sealed interface Effect {

    /** A message on {@code orchestrations}, keyed by its instance ID (another instance, an entity, or this one). */
    record Send(OrchestrationMessage message) implements Effect {
    }

    /** An activity request on the task queue's topic. */
    record Dispatch(String taskQueue, ActivityRequest request) implements Effect {
    }

    /** An orchestrator work item for out-of-process SDK workers. */
    record IssueWork(io.durablekafka.common.messages.OrchestratorWorkItem item) implements Effect {
    }

    record ArmTimer(DueItem.Timer timer) implements Effect {
    }

    record CancelTimer(DueItem.Timer timer) implements Effect {
    }

    /** A completion callback to deliver: a record on the {@code webhooks} topic. */
    record RequestWebhook(WebhookDelivery delivery) implements Effect {
    }

    /** A record on the public {@code status} topic; null status: a tombstone (the instance was purged). */
    record PublishStatus(String instanceId, InstanceStatus status) implements Effect {
    }
}
