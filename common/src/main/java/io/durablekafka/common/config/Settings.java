package io.durablekafka.common.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Configuration read from (highest first) explicit overrides, Java system properties ({@code dk.*}) and
 * environment variables ({@code DK_*}: {@code dk.bootstrap.servers} is {@code DK_BOOTSTRAP_SERVERS}).
 * Every key is listed in docs/architecture.md.
 */
public final class Settings {

    public static final String BOOTSTRAP_SERVERS = "dk.bootstrap.servers";
    public static final String TASK_HUB = "dk.task.hub";
    public static final String PARTITIONS = "dk.partitions";
    public static final String REPLICATION_FACTOR = "dk.replication.factor";
    public static final String DEFAULT_TASK_HUB = "DurableFunctionsHub";

    private final Map<String, String> overrides;

    private Settings(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    public static Settings fromEnvironment() {
        return new Settings(Map.of());
    }

    public static Settings of(Map<String, String> overrides) {
        return new Settings(overrides);
    }

    public Settings with(String key, String value) {
        Map<String, String> copy = new HashMap<>(overrides);
        copy.put(key, value);
        return new Settings(copy);
    }

    public Optional<String> find(String key) {
        String v = overrides.get(key);
        if (v == null) {
            v = System.getProperty(key);
        }
        if (v == null) {
            v = System.getenv(environmentVariable(key));
        }
        return Optional.ofNullable(v).filter(s -> !s.isBlank());
    }

    /** The environment variable a setting is read from: {@code dk.node.state.dir} is {@code DK_NODE_STATE_DIR}. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String get(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    public String require(String key) {
        return find(key).orElseThrow(() -> new IllegalArgumentException(
                "missing setting " + key + " (system property -D" + key + " or environment variable "
                        + environmentVariable(key) + ")"));
    }

    public int getInt(String key, int defaultValue) {
        String v = get(key, null);
        try {
            return v == null ? defaultValue : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a whole number, not '" + v + "'");
        }
    }

    public long getLong(String key, long defaultValue) {
        String v = get(key, null);
        try {
            return v == null ? defaultValue : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a whole number, not '" + v + "'");
        }
    }

    public String bootstrapServers() {
        return require(BOOTSTRAP_SERVERS);
    }

    public String taskHub() {
        return get(TASK_HUB, DEFAULT_TASK_HUB);
    }

    public int partitions() {
        return getInt(PARTITIONS, 4);
    }

    public short replicationFactor() {
        return (short) getInt(REPLICATION_FACTOR, 1);
    }

    /** Extra Kafka client properties given as {@code dk.kafka.<property>}, e.g. security settings. */
    public Properties kafkaClientOverrides() {
        Properties p = new Properties();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("dk.kafka.")) {
                p.put(k.toString().substring("dk.kafka.".length()), v);
            }
        });
        overrides.forEach((k, v) -> {
            if (k.startsWith("dk.kafka.")) {
                p.put(k.substring("dk.kafka.".length()), v);
            }
        });
        return p;
    }
}
