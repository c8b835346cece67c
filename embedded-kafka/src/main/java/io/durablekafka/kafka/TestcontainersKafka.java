package io.durablekafka.kafka;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** A Kafka container (kept in its own class so that Testcontainers is only loaded when Docker is used). */
final class TestcontainersKafka implements AutoCloseable {

    private final KafkaContainer container;
    private final String image;

    private TestcontainersKafka(KafkaContainer container, String image) {
        this.container = container;
        this.image = image;
    }

    @SuppressWarnings("resource")
    static TestcontainersKafka start(String image) {
        DockerImageName name = DockerImageName.parse(image);
        if (image.contains("kafka-native")) {
            name = name.asCompatibleSubstituteFor("apache/kafka");
        }
        KafkaContainer container = new KafkaContainer(name)
                .withEnv("KAFKA_NUM_PARTITIONS", "1")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "5")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "5")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withEnv("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", String.valueOf(2 * 1024 * 1024));
        try {
            container.start();
        } catch (RuntimeException | Error e) {
            try {
                container.stop();
            } catch (RuntimeException ignored) {
                // already failing
            }
            throw e;
        }
        return new TestcontainersKafka(container, image);
    }

    String bootstrapServers() {
        return container.getBootstrapServers();
    }

    String image() {
        return image;
    }

    @Override
    public void close() {
        container.stop();
    }
}
