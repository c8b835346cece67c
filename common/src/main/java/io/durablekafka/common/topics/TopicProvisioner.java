package io.durablekafka.common.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a task hub's topics if they do not exist yet. Safe to run from every process at start-up: an
 * existing topic is left as it is (its partition count is part of the hub's identity and never changed).
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final int partitions;
    private final short replicationFactor;

    public TopicProvisioner(Admin admin, int partitions, short replicationFactor) {
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    public void ensureHub(TopicNames names, Collection<String> taskQueues) {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(plain(names.orchestrations()));
        for (String queue : Set.copyOf(taskQueues)) {
            topics.add(plain(names.tasks(queue)));
        }
        topics.add(compacted(names.status()));
        // Kafka Streams would create the nodes' changelog at the first node's start; creating it here, like the
        // other topics, lets gateways start before any node.
        topics.add(compacted(names.nodeStateChangelog()));
        topics.add(plain(names.deadLetter()));
        topics.add(plain(names.sdkOrchestratorWork()));
        topics.add(plain(names.sdkEntityWork()));
        topics.addAll(webhookTopics(names));
        create(topics);
    }

    /**
     * Creates the completion-callback topics if missing: hubs created before they existed get them from whichever
     * process starts first (the deliverers run in the gateways, which do not create the other topics).
     */
    public void ensureWebhooks(TopicNames names) {
        create(webhookTopics(names));
    }

    private List<NewTopic> webhookTopics(TopicNames names) {
        return List.of(plain(names.webhooks()), compacted(names.webhookOutcomes()));
    }

    private NewTopic plain(String name) {
        return new NewTopic(name, partitions, replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(7L * 24 * 3600 * 1000)));
    }

    private NewTopic compacted(String name) {
        return new NewTopic(name, partitions, replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000",
                        TopicConfig.DELETE_RETENTION_MS_CONFIG, String.valueOf(24L * 3600 * 1000)));
    }

    private void create(List<NewTopic> topics) {
        var result = admin.createTopics(topics);
        List<String> created = new ArrayList<>();
        for (var entry : result.values().entrySet()) {
            try {
                entry.getValue().get();
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", e);
            }
        }
        if (!created.isEmpty()) {
            LOG.info("created topics {} ({} partitions, replication factor {})", created, partitions,
                    replicationFactor);
        }
        awaitLeaders(created);
    }

    /**
     * Waits until every partition of the new topics is served by its leader. A produce that comes sooner is
     * refused (NOT_LEADER_OR_FOLLOWER), and its retry can collide with later batches of an idempotent producer
     * (OutOfOrderSequence, retried forever), so callers get topics that are ready to use. The metadata can name
     * a leader before that broker hosts the partition, so readiness is checked with a request the leader itself
     * answers (ListOffsets).
     */
    private void awaitLeaders(List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var descriptions = admin.describeTopics(topics).allTopicNames().get();
                java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                        new java.util.HashMap<>();
                descriptions.values().forEach(d -> d.partitions().forEach(p -> latest.put(
                        new org.apache.kafka.common.TopicPartition(d.name(), p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest())));
                admin.listOffsets(latest).all().get();
                return;
            } catch (ExecutionException e) {
                LOG.debug("topics {} not ready yet: {}", topics, e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic leaders", e);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(20).toNanos());
        }
        LOG.warn("partitions of {} are still not served after 30 s; producers will retry", topics);
    }
}
