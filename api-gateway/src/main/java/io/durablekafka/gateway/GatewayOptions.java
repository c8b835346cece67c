package io.durablekafka.gateway;

import io.durablekafka.common.config.BindHost;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.api.InstanceApi;
import io.durablekafka.gateway.push.EventStreams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a {@link Gateway} needs to run.
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param topics              the default task hub's topics: the hub of requests without {@code taskHub}
 * @param port                HTTP port; 0 binds any free port
 * @param publicBaseUrl       base of the URLs handed to clients (e.g. behind a load balancer); null means the
 *                            scheme and host the request was sent to, as the Durable Functions extension does
 * @param knownOrchestrations orchestrator names a start may use; empty accepts any name
 * @param dataDir             directory of the read views (RocksDB); null uses a temporary directory deleted on close
 * @param kafkaOverrides      extra Kafka client properties (security etc.) applied to every client
 * @param taskHubs            every task hub this gateway serves (the default hub always among them); a request
 *                            picks one with {@code taskHub} (case-insensitive)
 * @param connections         the names a request's {@code connection} may take; the first is the default.
 *                            Every name maps to {@code bootstrapServers} for now
 * @param systemKey           the key ({@code code} query parameter or {@code x-functions-key} header) of every
 *                            hub; null: none
 * @param hubSystemKeys       keys of single hubs (hub name → key), accepted besides {@code systemKey}. A hub
 *                            with neither needs no key
 * @param maxBodyBytes        largest request body accepted (larger: 413)
 * @param maxWait             longest a start with {@code timeout} waits for completion (longer timeouts are cut)
 * @param purgeWait           how long a purge waits for the nodes to delete the instances before answering, so a
 *                            read right after it misses them; the purge is accepted either way
 * @param knownEntities       durable entity names a signal may use (compared case-insensitively); empty accepts
 *                            any name
 * @param maxLongPoll         longest a status read with {@code timeoutSeconds} waits for the instance to end
 *                            (longer waits are cut)
 * @param sseHeartbeat        how often an open event stream gets a comment line, so proxies and clients see it alive
 *                            and the gateway notices clients that left
 * @param bindHost            where the HTTP port listens ({@value BindHost#SETTING}); null: every interface
 */
public record GatewayOptions(String bootstrapServers, TopicNames topics, int port, String publicBaseUrl,
                             Set<String> knownOrchestrations, Path dataDir, Properties kafkaOverrides,
                             List<String> taskHubs, List<String> connections, String systemKey,
                             Map<String, String> hubSystemKeys, int maxBodyBytes, Duration maxWait,
                             Duration purgeWait, Set<String> knownEntities, Duration maxLongPoll,
                             Duration sseHeartbeat, BindHost bindHost) {

    public static final String PORT = "dk.gateway.port";
    public static final String PUBLIC_BASE_URL = "dk.gateway.public.base.url";
    public static final String DATA_DIR = "dk.gateway.data.dir";
    public static final String TASK_HUBS = "dk.gateway.task.hubs";
    public static final String CONNECTIONS = "dk.gateway.connections";
    public static final String SYSTEM_KEY = "dk.gateway.system.key";
    /** Followed by {@code .<hub>}: the key of that hub alone. */
    public static final String HUB_SYSTEM_KEY_PREFIX = "dk.gateway.system.key.";
    public static final String MAX_BODY_BYTES = "dk.gateway.max.body.bytes";
    public static final String MAX_WAIT_SECONDS = "dk.gateway.max.wait.seconds";
    public static final String PURGE_WAIT_MS = "dk.gateway.purge.wait.ms";
    public static final String MAX_LONG_POLL_SECONDS = "dk.gateway.max.long.poll.seconds";
    public static final String SSE_HEARTBEAT_SECONDS = "dk.gateway.sse.heartbeat.seconds";
    /**
     * {@code true}: the launcher may start a gateway that serves a hub without any key (read by the launcher, see
     * {@link #hubsWithoutKey()}); the name says what it does, so that nobody turns it on by accident.
     */
    public static final String ALLOW_ANONYMOUS = "dk.gateway.allow.anonymous";

    public static final int DEFAULT_PORT = 7071;
    public static final String DEFAULT_CONNECTION = "Storage";
    /**
     * 1,000,000 bytes: a body this large still fits, with the message envelope, in Kafka's default record
     * size limits (producer {@code max.request.size} 1 MiB, broker {@code message.max.bytes} 1 MiB + 12).
     */
    public static final int DEFAULT_MAX_BODY_BYTES = 1_000_000;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_PURGE_WAIT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAX_LONG_POLL = InstanceApi.DEFAULT_MAX_LONG_POLL;
    public static final Duration DEFAULT_SSE_HEARTBEAT = EventStreams.DEFAULT_HEARTBEAT;

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
        knownEntities = knownEntities == null ? Set.of() : Set.copyOf(knownEntities);
        Properties copy = new Properties();
        if (kafkaOverrides != null) {
            copy.putAll(kafkaOverrides);
        }
        kafkaOverrides = copy;

        // The default hub first, then the others, each once (names are matched case-insensitively).
        Map<String, String> hubs = new LinkedHashMap<>();
        hubs.put(topics.taskHub().toLowerCase(Locale.ROOT), topics.taskHub());
        for (String h : taskHubs == null ? List.<String>of() : taskHubs) {
            String hub = h == null ? "" : h.strip();
            if (hub.isEmpty()) {
                continue;
            }
            new TopicNames(hub); // validates the name
            String previous = hubs.putIfAbsent(hub.toLowerCase(Locale.ROOT), hub);
            if (previous != null && !previous.equals(hub)) {
                throw new IllegalArgumentException("task hubs '" + previous + "' and '" + hub
                        + "' differ only in case: requests could not tell them apart");
            }
        }
        taskHubs = List.copyOf(hubs.values());

        List<String> conns = new ArrayList<>();
        for (String c : connections == null ? List.<String>of() : connections) {
            String name = c == null ? "" : c.strip();
            if (!name.isEmpty() && conns.stream().noneMatch(name::equalsIgnoreCase)) {
                conns.add(name);
            }
        }
        connections = conns.isEmpty() ? List.of(DEFAULT_CONNECTION) : List.copyOf(conns);

        systemKey = systemKey == null || systemKey.isBlank() ? null : systemKey;
        Map<String, String> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (hubSystemKeys != null) {
            for (var e : hubSystemKeys.entrySet()) {
                if (e.getValue() == null || e.getValue().isBlank()) {
                    continue;
                }
                if (!hubs.containsKey(e.getKey().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("a system key is configured for task hub '" + e.getKey()
                            + "', which this gateway does not serve (" + hubs.values() + ")");
                }
                keys.put(hubs.get(e.getKey().toLowerCase(Locale.ROOT)), e.getValue());
            }
        }
        hubSystemKeys = java.util.Collections.unmodifiableMap(keys);

        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, not " + maxBodyBytes);
        }
        maxWait = maxWait == null ? DEFAULT_MAX_WAIT : maxWait;
        purgeWait = purgeWait == null ? DEFAULT_PURGE_WAIT : purgeWait;
        if (maxWait.isNegative() || purgeWait.isNegative()) {
            throw new IllegalArgumentException("maxWait and purgeWait must not be negative");
        }
        maxLongPoll = maxLongPoll == null ? DEFAULT_MAX_LONG_POLL : maxLongPoll;
        sseHeartbeat = sseHeartbeat == null ? DEFAULT_SSE_HEARTBEAT : sseHeartbeat;
        if (maxLongPoll.isNegative()) {
            throw new IllegalArgumentException("maxLongPoll must not be negative");
        }
        if (sseHeartbeat.isNegative() || sseHeartbeat.isZero()) {
            throw new IllegalArgumentException("sseHeartbeat must be positive, not " + sseHeartbeat);
        }
        bindHost = bindHost == null ? BindHost.any() : bindHost;
    }

    /** Any entity name (the options before entity support). */
    public GatewayOptions(String bootstrapServers, TopicNames topics, int port, String publicBaseUrl,
                          Set<String> knownOrchestrations, Path dataDir, Properties kafkaOverrides,
                          List<String> taskHubs, List<String> connections, String systemKey,
                          Map<String, String> hubSystemKeys, int maxBodyBytes, Duration maxWait,
                          Duration purgeWait) {
        this(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir, kafkaOverrides, taskHubs,
                connections, systemKey, hubSystemKeys, maxBodyBytes, maxWait, purgeWait, Set.of(), null, null, null);
    }

    /** One hub, one connection name, no keys, default limits (the options before multi-hub support). */
    public GatewayOptions(String bootstrapServers, TopicNames topics, int port, String publicBaseUrl,
                          Set<String> knownOrchestrations, Path dataDir, Properties kafkaOverrides) {
        this(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir, kafkaOverrides,
                null, null, null, null, DEFAULT_MAX_BODY_BYTES, null, null, Set.of(), null, null, null);
    }

    /** Options with defaults: any free port, URLs of the request's host, any orchestrator name, temporary views. */
    public static GatewayOptions of(String bootstrapServers, TopicNames topics) {
        return new GatewayOptions(bootstrapServers, topics, 0, null, Set.of(), null, null);
    }

    /**
     * Reads {@code dk.bootstrap.servers}, {@code dk.task.hub}, {@value #PORT} (default 7071),
     * {@value #PUBLIC_BASE_URL}, {@value #DATA_DIR}, {@code dk.kafka.*} client overrides,
     * {@value #TASK_HUBS} (comma list), {@value #CONNECTIONS} (comma list, default {@value #DEFAULT_CONNECTION}),
     * {@value #SYSTEM_KEY}, {@code dk.gateway.system.key.<hub>} for each served hub, {@value #MAX_BODY_BYTES},
     * {@value #MAX_WAIT_SECONDS}, {@value #PURGE_WAIT_MS}, {@value #MAX_LONG_POLL_SECONDS},
     * {@value #SSE_HEARTBEAT_SECONDS} and {@value BindHost#SETTING} (default: every interface).
     *
     * <p>The default hub is {@code dk.task.hub} when set, else the first of {@value #TASK_HUBS}, else
     * {@value Settings#DEFAULT_TASK_HUB}.
     */
    public static GatewayOptions fromSettings(Settings settings, Set<String> knownOrchestrations) {
        return fromSettings(settings, knownOrchestrations, Set.of());
    }

    /**
     * As {@link #fromSettings(Settings, Set)}, with the registered entity names too: a signal to any other
     * name is then 404 (empty: any name).
     */
    public static GatewayOptions fromSettings(Settings settings, Set<String> knownOrchestrations,
                                              Set<String> knownEntities) {
        List<String> hubs = list(settings.find(TASK_HUBS).orElse(""));
        String defaultHub = settings.find(Settings.TASK_HUB)
                .orElse(hubs.isEmpty() ? Settings.DEFAULT_TASK_HUB : hubs.getFirst());
        List<String> served = new ArrayList<>(hubs);
        served.addFirst(defaultHub);
        Map<String, String> hubKeys = new LinkedHashMap<>();
        for (String hub : served) {
            settings.find(HUB_SYSTEM_KEY_PREFIX + hub).ifPresent(k -> hubKeys.put(hub, k));
        }
        return new GatewayOptions(
                settings.bootstrapServers(),
                new TopicNames(defaultHub),
                settings.getInt(PORT, DEFAULT_PORT),
                settings.find(PUBLIC_BASE_URL).orElse(null),
                knownOrchestrations,
                settings.find(DATA_DIR).map(Path::of).orElse(null),
                settings.kafkaClientOverrides(),
                served,
                list(settings.find(CONNECTIONS).orElse("")),
                settings.find(SYSTEM_KEY).orElse(null),
                hubKeys,
                settings.getInt(MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
                Duration.ofSeconds(settings.getLong(MAX_WAIT_SECONDS, DEFAULT_MAX_WAIT.toSeconds())),
                Duration.ofMillis(settings.getLong(PURGE_WAIT_MS, DEFAULT_PURGE_WAIT.toMillis())),
                knownEntities,
                Duration.ofSeconds(settings.getLong(MAX_LONG_POLL_SECONDS, DEFAULT_MAX_LONG_POLL.toSeconds())),
                Duration.ofSeconds(settings.getLong(SSE_HEARTBEAT_SECONDS, DEFAULT_SSE_HEARTBEAT.toSeconds())),
                BindHost.fromSettings(settings, BindHost.any()));
    }

    private static List<String> list(String commaList) {
        return Arrays.stream(commaList.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Properties are mutable: hand out a copy. */
    @Override
    public Properties kafkaOverrides() {
        Properties copy = new Properties();
        copy.putAll(kafkaOverrides);
        return copy;
    }

    /** The default connection name: the first of {@link #connections()}. */
    public String defaultConnection() {
        return connections.getFirst();
    }

    public GatewayOptions withPort(int newPort) {
        return new GatewayOptions(bootstrapServers, topics, newPort, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withPublicBaseUrl(String url) {
        return new GatewayOptions(bootstrapServers, topics, port, url, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withDataDir(Path dir) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withKnownOrchestrations(Set<String> names) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, names, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    /** The registered durable entity names (any case); empty accepts any name. */
    public GatewayOptions withKnownEntities(Set<String> names) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, names, maxLongPoll, sseHeartbeat, bindHost);
    }

    /** Serves these hubs besides the default one. */
    public GatewayOptions withTaskHubs(List<String> hubs) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, hubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withConnections(List<String> names) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, names, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withSystemKey(String key) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, key, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withHubSystemKeys(Map<String, String> keys) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, keys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withMaxBodyBytes(int bytes) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                bytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withMaxWait(Duration wait) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, wait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    public GatewayOptions withPurgeWait(Duration wait) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, wait, knownEntities, maxLongPoll, sseHeartbeat, bindHost);
    }

    /** The longest a status read with {@code timeoutSeconds} waits (longer waits are cut). */
    public GatewayOptions withMaxLongPoll(Duration wait) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, wait, sseHeartbeat, bindHost);
    }

    /** Where the HTTP port listens. */
    public GatewayOptions withBindHost(BindHost host) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, sseHeartbeat, host);
    }

    /**
     * The served hubs that need no key: those without a gateway-wide key nor a key of their own. Anyone who can
     * reach the port can start, read and purge their instances.
     */
    public List<String> hubsWithoutKey() {
        return systemKey != null ? List.of() : taskHubs.stream().filter(h -> !hubSystemKeys.containsKey(h)).toList();
    }

    /** How often open event streams get a heartbeat comment. */
    public GatewayOptions withSseHeartbeat(Duration interval) {
        return new GatewayOptions(bootstrapServers, topics, port, publicBaseUrl, knownOrchestrations, dataDir,
                kafkaOverrides, taskHubs, connections, systemKey, hubSystemKeys,
                maxBodyBytes, maxWait, purgeWait, knownEntities, maxLongPoll, interval, bindHost);
    }
}
