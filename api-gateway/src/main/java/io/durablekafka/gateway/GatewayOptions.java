package io.durablekafka.gateway;

import io.durablekafka.common.config.Settings;
import io.durablekafka.common.topics.TopicNames;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * What a {@link Gateway} needs to run.
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param topics              the task hub's topics; the hub name is also the {@code taskHub} of the management URLs
 * @param port                HTTP port; 0 binds any free port
 * @param publicBaseUrl       base of the URLs handed to clients (e.g. behind a load balancer); null means
 *                            {@code http://localhost:<actual port>}
 * @param knownOrchestrations orchestrator names a start may use; empty accepts any name
 * @param dataDir             directory of the read views (RocksDB); null uses a temporary directory deleted on close
 * @param kafkaOverrides      extra Kafka client properties (security etc.) applied to every client
 */
public record GatewayOptions(String bootstrapServers, TopicNames topics, int port, String publicBaseUrl,
                             Set<String> knownOrchestrations, Path dataDir, Properties kafkaOverrides) {

    public static final String PORT = "dk.gateway.port";
    public static final String PUBLIC_BASE_URL = "dk.gateway.public.base.url";
    public static final String DATA_DIR = "dk.gateway.data.dir";
    public static final int DEFAULT_PORT = 7071;

    public GatewayOptions {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        Objects.requireNonNull(topics, "topics");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (publicBaseUrl != null) {
            publicBaseUrl = publicBaseUrl.strip();
            while (publicBaseUrl.endsWith("/")) {
                publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
            }
            if (publicBaseUrl.isEmpty()) {
                publicBaseUrl = null;
            }
        }
        knownOrchestrations = knownOrchestrations == null ? Set.of() : Set.copyOf(knownOrchestrations);
        Properties copy = new Properties();
        if (kafkaOverrides != null) {
            copy.putAll(kafkaOverrides);
        }
        kafkaOverrides = copy;
    }

    /** Options with defaults: any free port, localhost URLs, any orchestrator name, temporary views. */
    public static GatewayOptions of(String bootstrapServers, TopicNames topics) {
        return new GatewayOptions(bootstrapServers, topics, 0, null, Set.of(), null, null);
    }

    /**
     * Reads {@code dk.bootstrap.servers}, {@code dk.task.hub}, {@value #PORT} (default 7071),
     * {@value #PUBLIC_BASE_URL}, {@value #DATA_DIR} and {@code dk.kafka.*} client overrides.
     */
    public static GatewayOptions fromSettings(Settings settings, Set<String> knownOrchestrations) {
        return new GatewayOptions(
                settings.bootstrapServers(),
                new TopicNames(settings.taskHub()),
                settings.getInt(PORT, DEFAULT_PORT),
                settings.find(PUBLIC_BASE_URL).orElse(null),
                knownOrchestrations,
                settings.find(DATA_DIR).map(Path::of).orElse(null),
                settings.kafkaClientOverrides());
    }

    /** Properties are mutable: hand out a copy. */
    @Override
    public Properties kafkaOverrides() {
        Properties copy = new Properties();
        copy.putAll(kafkaOverrides);
        return copy;
    }
}
