package io.durablekafka.kafka;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaClusterTest {

    private final String savedBootstrap = System.getProperty(KafkaCluster.BOOTSTRAP_SERVERS_PROPERTY);
    private final String savedMode = System.getProperty(KafkaCluster.MODE_PROPERTY);

    @AfterEach
    void restoreSettings() {
        restore(KafkaCluster.BOOTSTRAP_SERVERS_PROPERTY, savedBootstrap);
        restore(KafkaCluster.MODE_PROPERTY, savedMode);
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }

    @Test
    void externalClusterWhenBootstrapServersAreSet() {
        System.setProperty(KafkaCluster.BOOTSTRAP_SERVERS_PROPERTY, "kafka-1:9092,kafka-2:9092");
        try (KafkaCluster cluster = KafkaCluster.resolve(null)) {
            assertEquals(KafkaCluster.Mode.EXTERNAL, cluster.mode());
            assertEquals("kafka-1:9092,kafka-2:9092", cluster.bootstrapServers());
        }
    }

    @Test
    void unknownModeIsRejected() {
        System.setProperty(KafkaCluster.MODE_PROPERTY, "zookeeper");
        assertThrows(IllegalArgumentException.class, () -> KafkaCluster.resolve(null));
    }

    @Test
    void testcontainersModeWithoutDockerFailsFast() {
        if (KafkaCluster.setting(KafkaCluster.BOOTSTRAP_SERVERS_PROPERTY) != null
                || KafkaCluster.DockerProbe.available()) {
            return; // Docker is there: nothing to check
        }
        System.setProperty(KafkaCluster.MODE_PROPERTY, "testcontainers");
        long began = System.nanoTime();
        assertThrows(IllegalStateException.class, () -> KafkaCluster.resolve(null));
        assertTrue(System.nanoTime() - began < 5_000_000_000L, "no Docker is detected quickly");
    }

    @Test
    void sharedKafkaFollowsTheSettings() {
        KafkaCluster.Mode expected;
        if (KafkaCluster.setting(KafkaCluster.BOOTSTRAP_SERVERS_PROPERTY) != null) {
            expected = KafkaCluster.Mode.EXTERNAL;
        } else if ("embedded".equalsIgnoreCase(KafkaCluster.setting(KafkaCluster.MODE_PROPERTY))
                || !KafkaCluster.DockerProbe.available()) {
            expected = KafkaCluster.Mode.EMBEDDED;
        } else {
            expected = KafkaCluster.Mode.TESTCONTAINERS;
        }
        assertEquals(expected, SharedKafka.cluster().mode());
    }
}
