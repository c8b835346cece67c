package io.durablekafka.common.config;

import java.util.HashMap;
import java.util.Locale;
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
    /** Prefix of Kafka client properties: {@code dk.kafka.security.protocol} is the client's security.protocol. */
    public static final String KAFKA_PREFIX = "dk.kafka.";

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
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
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

    /**
     * Extra Kafka client properties given as {@code dk.kafka.<property>}, e.g. security settings, from (lowest first)
     * environment variables, system properties and overrides. An environment variable {@code DK_KAFKA_<NAME>} is
     * the property {@code <name>} in lower case with {@code _} as {@code .} ({@code DK_KAFKA_SASL_JAAS_CONFIG} is
     * {@code sasl.jaas.config}): Kafka's client property names have dots and no underscores, so the mapping is
     * unambiguous, and containers can take credentials from secrets as environment variables.
     * {@code dk.kafka.mode} chooses the cluster, not a client property, and is left out.
     */
    public Properties kafkaClientOverrides() {
        return kafkaClientOverrides(System.getenv());
    }

    Properties kafkaClientOverrides(Map<String, String> environment) {
        Properties p = new Properties();
        environment.forEach((k, v) -> {
            if (k.startsWith(KAFKA_ENV_PREFIX) && k.length() > KAFKA_ENV_PREFIX.length()) {
                putClientProperty(p, KAFKA_PREFIX + k.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
                        .replace('_', '.'), v);
            }
        });
        System.getProperties().forEach((k, v) -> putClientProperty(p, k.toString(), v.toString()));
        overrides.forEach((k, v) -> putClientProperty(p, k, v));
        return p;
    }

    private static void putClientProperty(Properties p, String key, String value) {
        if (key.startsWith(KAFKA_PREFIX) && !key.equals(KAFKA_MODE)) {
            p.put(key.substring(KAFKA_PREFIX.length()), value);
        }
    }

    private static final String KAFKA_ENV_PREFIX = environmentVariable(Settings.KAFKA_PREFIX);
    /** The launchers' choice of Kafka cluster (embedded-kafka's KafkaCluster), not a client property. */
    private static final String KAFKA_MODE = "dk.kafka.mode";
}
