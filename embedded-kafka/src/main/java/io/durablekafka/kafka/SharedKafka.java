package io.durablekafka.kafka;

/**
 * One Kafka per JVM (typically a test JVM): resolved lazily on first use with {@link KafkaCluster#resolve(java.nio.file.Path)}
 * and a temporary data directory, closed by a shutdown hook. Thread-safe.
 */
public final class SharedKafka {

    private static volatile KafkaCluster cluster;

    private SharedKafka() {
    }

    /** The shared cluster's bootstrap servers, starting it on first call. */
    public static String bootstrapServers() {
        return cluster().bootstrapServers();
    }

    /** The shared cluster, starting it on first call. */
    public static KafkaCluster cluster() {
        KafkaCluster c = cluster;
        if (c == null) {
            synchronized (SharedKafka.class) {
                c = cluster;
                if (c == null) {
                    c = KafkaCluster.resolve(null);
                    KafkaCluster started = c;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-kafka-shutdown"));
                    cluster = c;
                }
            }
        }
        return c;
    }
}
