package io.durablekafka.gateway.sidecar;

import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.common.topics.TopicProvisioner;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * {@code CreateTaskHub} and {@code DeleteTaskHub}: a hub is its Kafka topics. A gateway serves only hubs whose topics
 * exist (it reads them from its start), so creating is making sure every topic is there, with the partition count
 * and replication of the hub's {@code orchestrations} topic: the partition count is part of a hub's identity and is
 * never chosen here. Deleting (and recreating) is refused: the topics are read and written by every node and gateway
 * of the hub, this gateway's own views among them, so deleting them under a serving gateway breaks it and loses
 * every instance; a hub is deleted with Kafka's tools once its nodes and gateways are stopped.
 */
final class TaskHubTopics {

    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private final Admin admin;

    TaskHubTopics(Admin admin) {
        this.admin = admin;
    }

    /**
     * Creates whichever of the hub's topics are missing (the nodes create the same ones at their start, and their
     * activities' task queues; the SDK workers' queue is created here too).
     */
    void ensure(TopicNames topics) throws InterruptedException {
        TopicDescription orchestrations;
        try {
            orchestrations = admin.describeTopics(List.of(topics.orchestrations())).allTopicNames()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topics.orchestrations());
        } catch (ExecutionException | TimeoutException e) {
            throw Status.UNAVAILABLE.withDescription("cannot read the topics of task hub '" + topics.taskHub() + "': "
                    + (e.getCause() == null ? e : e.getCause())).asRuntimeException();
        }
        int partitions = orchestrations.partitions().size();
        short replication = (short) orchestrations.partitions().getFirst().replicas().size();
        try {
            new TopicProvisioner(admin, partitions, replication).ensureHub(topics, List.of(TopicNames.SDK_TASK_QUEUE));
        } catch (IllegalStateException e) {
            throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    /** Why a hub's topics are never deleted through a gateway (see the class comment). */
    static Status deleteRefused(String hub, String rpc) {
        return Status.FAILED_PRECONDITION.withDescription(rpc + ": the topics of task hub '" + hub + "' are in use by "
                + "its nodes and gateways, this one included; durable-kafka does not delete a hub through a gateway. "
                + "Stop the hub's nodes and gateways, then delete the topics dk." + hub + ".* with Kafka's tools "
                + "(docs/sdk-workers.md).");
    }
}
