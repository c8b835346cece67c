package io.durablekafka.gateway.views;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/** Where Kafka's default partitioner puts a record with a given (non-null) string key. */
public final class Partitions {

    private Partitions() {
    }

    public static int forKey(String key, int numPartitions) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(bytes)) % numPartitions;
    }
}
