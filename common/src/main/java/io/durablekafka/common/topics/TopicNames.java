package io.durablekafka.common.topics;

import java.util.regex.Pattern;

/**
 * Names of one task hub's topics: the public contract documented in docs/topics.md. Every topic is keyed by
 * instance ID (history: instance ID plus sequence) and holds JSON values with {@code type} and {@code v}.
 */
public record TopicNames(String taskHub) {

    public static final String DEFAULT_TASK_QUEUE = "default";
    /** The task queue of activities run by out-of-process SDK workers (docs/sdk-workers-worker.md). */
    public static final String SDK_TASK_QUEUE = "sdk";
    /** Name of the nodes' state store, which names its changelog topic. */
    public static final String NODE_STATE_STORE = "state";
    private static final Pattern HUB = Pattern.compile("[A-Za-z][A-Za-z0-9-]{2,49}");
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    public TopicNames {
        if (taskHub == null || !HUB.matcher(taskHub).matches()) {
            throw new IllegalArgumentException("task hub name '" + taskHub
                    + "' is not valid: 3 to 50 letters, digits or dashes, starting with a letter");
        }
    }

    public static boolean isValidTaskQueue(String queue) {
        return queue != null && QUEUE.matcher(queue).matches();
    }

    private String prefix() {
        return "dk." + taskHub + ".";
    }

    /** Inbound messages for orchestration instances (starts, events, task results, control). */
    public String orchestrations() {
        return prefix() + "orchestrations";
    }

    /** Activity requests for workers serving {@code queue}. */
    public String tasks(String queue) {
        if (!isValidTaskQueue(queue)) {
            throw new IllegalArgumentException("task queue name '" + queue + "' is not valid");
        }
        return prefix() + "tasks." + queue;
    }

    /**
     * The public feed of instance statuses (compacted): a record whenever an orchestration's runtime status changes,
     * a tombstone when it is purged.
     */
    public String status() {
        return prefix() + "status";
    }

    /** Records that could not be processed, with the reason in headers. */
    public String deadLetter() {
        return prefix() + "deadletter";
    }

    /** The Kafka Streams application ID (and consumer group) of the orchestrator nodes. */
    public String nodeApplicationId() {
        return prefix() + "node";
    }

    /**
     * The changelog of the nodes' one state store ({@link #NODE_STATE_STORE}): Kafka Streams writes it in the
     * nodes' transactions; gateways read instances, history and entities from it (keys and values in
     * {@code io.durablekafka.common.store}).
     */
    public String nodeStateChangelog() {
        return nodeApplicationId() + "-" + NODE_STATE_STORE + "-changelog";
    }

    /**
     * Completion callbacks to deliver (durable-kafka extension): a {@code WebhookDelivery} per terminal state of an
     * instance started with a callback URL, written by the nodes in the step's transaction, and again by the
     * deliverers for each retry. Keyed by instance ID.
     */
    public String webhooks() {
        return prefix() + "webhooks";
    }

    /** The latest delivery outcome of each instance's completion callback (compacted, keyed by instance ID). */
    public String webhookOutcomes() {
        return prefix() + "webhook-outcomes";
    }

    /** The consumer group of the webhook deliverers: each delivery is owned by one deliverer at a time. */
    public String webhookDeliverers() {
        return prefix() + "webhook-deliverers";
    }

    /**
     * Orchestrator work items for out-of-process SDK workers ({@code OrchestratorWorkItem}, keyed by instance ID),
     * written by the nodes, relayed to connected workers by the gateways.
     */
    public String sdkOrchestratorWork() {
        return prefix() + "sdk-orchestrator-work";
    }

    /**
     * Entity work items for out-of-process SDK workers ({@code EntityWorkItem}, keyed by entity ID), written by the
     * nodes, relayed to connected workers by the gateways.
     */
    public String sdkEntityWork() {
        return prefix() + "sdk-entity-work";
    }

    /** The consumer group of the gateways that relay SDK work items (orchestrator work and the sdk task queue). */
    public String sdkRelayGroup() {
        return prefix() + "sdk-relays";
    }

    public String workerGroup(String queue) {
        return prefix() + "workers." + queue;
    }
}
