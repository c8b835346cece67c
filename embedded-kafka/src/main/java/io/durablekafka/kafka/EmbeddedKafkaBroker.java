package io.durablekafka.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one process, this JVM).
 *
 * <p>With a {@code null} data directory the broker lives in a temporary directory that is deleted on {@link #close()}.
 * A given data directory is kept: the next {@link #start(Path)} on it reuses the formatted log directory (same
 * cluster ID and node ID, so topics and records survive) and, if it is still free, the same port.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String STATE_FILE = "embedded-kafka.properties";
    private static final String LOCK_FILE = ".embedded-kafka.lock";
    private static final String TEMP_PREFIX = "embedded-kafka-";
    private static final String LOG_DIR = "kafka-logs";
    /** The controller's (and, with SASL, nothing else's) address: never off this machine. */
    private static final String HOST = BrokerOptions.LOOPBACK_HOST;
    /** The client listener's name with SASL; without, it is PLAINTEXT. */
    private static final String SASL_LISTENER = "SASL_PLAINTEXT";
    private static final int DEFAULT_NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean temporary;
    private final int port;
    private final String clusterId;
    private final DirLock lock;
    private final BrokerOptions options;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, boolean temporary, int port, String clusterId,
                                DirLock lock, BrokerOptions options) {
        this.server = server;
        this.options = options;
        this.lock = lock;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.port = port;
        this.clusterId = clusterId;
    }

    /**
     * Starts a broker and waits until it serves metadata.
     *
     * @param dataDir where the broker keeps its logs; {@code null} for a temporary directory deleted on close
     */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, 0);
    }

    /**
     * Starts a broker on {@code port} ({@code 0}: the port of its last run on this data directory if free, else
     * any free port) and waits until it serves metadata. A port asked for is never swapped for another: clients
     * were told it.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        return start(BrokerOptions.defaults().withDataDir(dataDir).withPort(port));
    }

    /**
     * Starts a broker as {@code options} say (data directory, port, the address its client listener binds, SASL/SCRAM
     * users) and waits until it serves metadata.
     */
    public static EmbeddedKafkaBroker start(BrokerOptions options) {
        Path dataDir = options.dataDir();
        boolean temporary = dataDir == null;
        Path dir;
        if (temporary) {
            deleteStaleTempDirs();
        }
        try {
            dir = temporary ? Files.createTempDirectory(TEMP_PREFIX) : dataDir.toAbsolutePath();
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data directory " + dataDir, e);
        }
        DirLock lock = null;
        try {
            lock = DirLock.acquire(dir);
            return startIn(dir, temporary, lock, options);
        } catch (RuntimeException | Error e) {
            if (lock != null) {
                lock.release();
            }
            if (temporary) {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    private static EmbeddedKafkaBroker startIn(Path dir, boolean temporary, DirLock lock, BrokerOptions options) {
        int requestedPort = options.port();
        String host = options.listenerHost();
        long began = System.nanoTime();
        Path logDir = dir.resolve(LOG_DIR);
        Properties state = readState(dir);
        int nodeId = DEFAULT_NODE_ID;
        String clusterId = Uuid.randomUuid().toString();
        if (Files.exists(logDir.resolve("meta.properties"))) {
            // Already formatted: the log directory's identity is authoritative.
            Properties meta = readMeta(logDir);
            nodeId = Integer.parseInt(meta.getProperty("node.id", String.valueOf(DEFAULT_NODE_ID)));
            clusterId = meta.getProperty("cluster.id", clusterId);
        }

        int preferredPort = Integer.parseInt(state.getProperty("port", "0"));
        int preferredControllerPort = Integer.parseInt(state.getProperty("controller.port", "0"));
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = requestedPort > 0 ? requestedPort
                    : attempt == 1 && isFree(host, preferredPort) ? preferredPort : freePort(host, -1);
            int controllerPort = attempt == 1 && preferredControllerPort != port
                    && isFree(HOST, preferredControllerPort) ? preferredControllerPort : freePort(HOST, port);
            Map<String, Object> props = brokerProperties(nodeId, logDir, port, controllerPort, options);
            KafkaConfig config = new KafkaConfig(props, false);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config, nodeId, clusterId, logDir, options);
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException | Error e) {
                shutdownQuietly(server);
                if (requestedPort <= 0 && attempt < START_ATTEMPTS && e instanceof RuntimeException re
                        && causedByBind(re)) {
                    LOG.warn("Kafka port {} or {} was taken meanwhile; retrying on other ports", port, controllerPort);
                    last = re;
                    continue;
                }
                throw e;
            }
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dir, temporary, port, clusterId, lock,
                    options);
            try {
                broker.awaitReady(READY_TIMEOUT);
                if (!temporary) {
                    Properties newState = new Properties();
                    newState.setProperty("node.id", String.valueOf(nodeId));
                    newState.setProperty("cluster.id", clusterId);
                    newState.setProperty("port", String.valueOf(port));
                    newState.setProperty("controller.port", String.valueOf(controllerPort));
                    writeState(dir, newState);
                }
            } catch (RuntimeException | Error e) {
                shutdownQuietly(server);
                throw e;
            }
            LOG.info("Embedded Kafka broker ready on {} in {} ms (data: {})", broker.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), dir);
            return broker;
        }
        throw last;
    }

    private static Map<String, Object> brokerProperties(int nodeId, Path logDir, int port, int controllerPort,
                                                        BrokerOptions options) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", nodeId + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        // One client listener, which is also the inter-broker one; the controller's stays on loopback.
        String client = options.sasl() ? SASL_LISTENER : "PLAINTEXT";
        p.put("listeners", client + "://" + listenerAddress(options.listenerHost()) + ":" + port
                + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", client + "://" + listenerAddress(options.advertisedHost()) + ":" + port);
        p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", client);
        if (options.sasl()) {
            // SCRAM on the client listener. The broker logs in to itself (transaction markers, which Kafka Streams'
            // exactly-once needs, go over the inter-broker listener) as the first user.
            var first = options.scramUsers().entrySet().iterator().next();
            String prefix = "listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + "."
                    + BrokerOptions.SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".";
            p.put("sasl.enabled.mechanisms", BrokerOptions.SCRAM_MECHANISM);
            p.put("sasl.mechanism.inter.broker.protocol", BrokerOptions.SCRAM_MECHANISM);
            p.put(prefix + "sasl.jaas.config", BrokerOptions.jaasConfig(first.getKey(), first.getValue()));
        }
        p.put("log.dirs", logDir.toString());

        // A single node: every internal topic has one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");

        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        // A process killed with -9 leaves its transaction open, and read_committed readers of the partitions it
        // wrote (the node that takes its partitions over, the gateways' views) wait until the coordinator aborts it:
        // after the producer's transaction.timeout.ms, at the next check of this interval (default 10 s, which
        // would add up to 10 s to every failover; see docs/failover.md).
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // Under transactions v2 the first produce of a transaction to a partition adds that partition on the broker.
        // A node's stream thread sends its next records right after a commit, while the previous transaction's
        // markers are still being written; the coordinator answers CONCURRENT_TRANSACTIONS and the broker retries
        // the add after this back-off (default 20 ms), holding the produce, and with one request in flight every
        // later send of the producer and the commit's flush wait behind it. That stall, 1-2 times per transaction,
        // was the multi-node slowdown (docs/scaling.md); markers take a few ms, so retry after 2.
        p.put("add.partitions.to.txn.retry.backoff.ms", "2");
        // The cleaner allocates this buffer on the heap up front (default 128 MiB); Kafka requires more than
        // 1 MiB per cleaner thread.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        // Fewer threads than the defaults: this broker serves one machine's tests or local cluster, whose cores it
        // shares. Each request hands over from a network thread to an I/O thread and back; fewer threads mean fewer
        // wake-ups and context switches per request, which is most of a small request's cost here (measured: about
        // 15% more orchestrations/s with 1 network and 1-2 I/O threads than with 2 and 4).
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        // Operators (and benchmarks) may set any broker property as a system property dk.broker.<property>.
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith(BROKER_PROPERTY_PREFIX)) {
                p.put(k.toString().substring(BROKER_PROPERTY_PREFIX.length()), v.toString());
            }
        });
        return p;
    }

    /** Prefix of system properties that set properties of the embedded broker. */
    public static final String BROKER_PROPERTY_PREFIX = "dk.broker.";

    /** A listener's host: an IPv6 literal in brackets. */
    private static String listenerAddress(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static void format(KafkaConfig config, int nodeId, String clusterId, Path logDir, BrokerOptions options) {
        try {
            Files.createDirectories(logDir);
            List<String> scram = options.scramUsers().entrySet().stream()
                    .map(u -> BrokerOptions.SCRAM_MECHANISM + "=[name=" + u.getKey() + ",password=" + u.getValue() + "]")
                    .toList();
            new Formatter()
                    .setScramArguments(scram)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(List.of(logDir.toString()))
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka log directory " + logDir, e);
        }
    }

    /** Waits until an admin client sees the cluster with at least one node. */
    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> conf = adminConfig(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
        Exception lastError = null;
        try (Admin admin = Admin.create(conf)) {
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (nodes.size() == 1) {
                        awaitCoordinators(deadline);
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                } catch (Exception e) {
                    lastError = e;
                }
            }
        }
        throw new IllegalStateException("the embedded Kafka broker on " + bootstrapServers()
                + " did not become ready within " + timeout, lastError);
    }

    /**
     * Creates the internal topics behind the group and transaction coordinators ({@code __consumer_offsets},
     * {@code __transaction_state}) and waits until both coordinators answer, so that "ready" means clients can
     * join groups and start transactions at once. The broker creates these topics when a client first looks for a
     * coordinator; many lookups at once (a Kafka Streams node's transactional producers retry every few
     * milliseconds) make it create them again and again and warn TOPIC_ALREADY_EXISTS each time. Done here, by one
     * client that retries slowly, before any other client starts, that happens rarely (the launcher's logging
     * config lowers the rest).
     */
    private void awaitCoordinators(long deadlineNanos) throws InterruptedException {
        int timeoutMs = (int) Math.max(5_000, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        // One request at a time, retried (by the admin client) slowly: a retry before the broker knows the topic
        // it just created makes it create the topic again.
        Map<String, Object> conf = adminConfig(Map.of(
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 500,
                AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
        String probe = "dk-embedded-broker-probe";
        try (Admin admin = Admin.create(conf)) {
            // Unknown group: an empty answer, once the group coordinator is loaded.
            admin.listConsumerGroupOffsets(probe).partitionsToOffsetAndMetadata().get(timeoutMs, TimeUnit.MILLISECONDS);
            // Unknown transactional ID: TransactionalIdNotFoundException, once the transaction coordinator is loaded.
            try {
                admin.describeTransactions(List.of(probe)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            // Not fatal: clients find the coordinators themselves, only noisier.
            LOG.debug("the group and transaction coordinators did not answer: {}", e.toString());
        }
    }

    /** The broker's own admin clients: the bootstrap servers and, with SASL, the login of its first user. */
    private Map<String, Object> adminConfig(Map<String, Object> more) {
        Map<String, Object> conf = new HashMap<>(more);
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        options.scramUsers().entrySet().stream().findFirst().ifPresent(u ->
                options.clientProperties(u.getKey(), u.getValue()).forEach((k, v) -> conf.put(k.toString(), v)));
        return conf;
    }

    /** {@code localhost:PORT} (the advertised host and the client port). */
    public String bootstrapServers() {
        return listenerAddress(options.advertisedHost()) + ":" + port;
    }

    /** What the broker was started with. */
    public BrokerOptions options() {
        return options;
    }

    /**
     * The bootstrap servers of the broker that last ran on {@code dataDir} (it may or may not run now), for tools that
     * talk to a local cluster without being told its address; empty when no broker has run there.
     */
    public static java.util.Optional<String> lastBootstrapServers(Path dataDir) {
        String port = readState(dataDir).getProperty("port");
        return port == null ? java.util.Optional.empty() : java.util.Optional.of(BrokerOptions.LOCALHOST + ":" + port);
    }

    /** The directory holding the broker's state (a temporary one when started with {@code null}). */
    public Path dataDir() {
        return dataDir;
    }

    /** The KRaft cluster ID, stable across restarts on the same data directory. */
    public String clusterId() {
        return clusterId;
    }

    /** Shuts the broker down cleanly and waits for it; deletes a temporary data directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            lock.release();
            if (temporary) {
                deleteRecursively(dataDir);
            }
        }
    }

    /**
     * An exclusive lock on the data directory, taken before anything touches it: Kafka locks the log directory
     * only when the broker part starts, after the controller already opened the metadata log in it.
     */
    private record DirLock(FileChannel channel, FileLock lock) {
        static DirLock acquire(Path dir) {
            Path file = dir.resolve(LOCK_FILE);
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    throw new IllegalStateException("the Kafka data directory " + dir
                            + " is in use by another embedded broker");
                }
                return new DirLock(channel, lock);
            } catch (OverlappingFileLockException e) {
                closeQuietly(channel);
                throw new IllegalStateException("the Kafka data directory " + dir
                        + " is in use by another embedded broker in this JVM", e);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("cannot lock " + file, e);
            } catch (RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
        }

        void release() {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it anyway
            }
            closeQuietly(channel);
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    // ---- helpers

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (Throwable t) {
            LOG.debug("error while shutting down a Kafka broker that failed to start", t);
        }
    }

    private static boolean causedByBind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static boolean isFree(String host, int port) {
        if (port <= 0 || port > 65535) {
            return false;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(socketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetSocketAddress socketAddress(String host, int port) throws IOException {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(InetAddress.getByName(host), port);
    }

    private static int freePort(String host, int other) {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(socketAddress(host, 0));
                int port = s.getLocalPort();
                if (port != other) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("cannot find a free port");
    }

    private static Properties readState(Path dir) {
        Properties p = new Properties();
        Path f = dir.resolve(STATE_FILE);
        if (Files.exists(f)) {
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return p;
    }

    private static void writeState(Path dir, Properties p) {
        Path f = dir.resolve(STATE_FILE);
        Path tmp = dir.resolve(STATE_FILE + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "embedded Kafka broker state (ports are preferences, the cluster ID is in "
                        + LOG_DIR + "/meta.properties)");
            }
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }

    private static Properties readMeta(Path logDir) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(logDir.resolve("meta.properties"))) {
            meta.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logDir.resolve("meta.properties"), e);
        }
        return meta;
    }

    /**
     * Deletes temporary data directories left by killed JVMs (no shutdown hook ran): those whose lock file is
     * older than a minute and not locked by anyone.
     */
    private static void deleteStaleTempDirs() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long minAgeMillis = Duration.ofMinutes(1).toMillis();
        try (var dirs = Files.newDirectoryStream(tmp, TEMP_PREFIX + "*")) {
            for (Path dir : dirs) {
                Path lockFile = dir.resolve(LOCK_FILE);
                try {
                    if (!Files.isRegularFile(lockFile)
                            || System.currentTimeMillis() - Files.getLastModifiedTime(lockFile).toMillis()
                            < minAgeMillis) {
                        continue;
                    }
                    boolean stale;
                    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                         FileLock l = ch.tryLock()) {
                        stale = l != null;
                    } catch (OverlappingFileLockException e) {
                        stale = false; // in use by this JVM
                    }
                    if (stale) {
                        LOG.info("Deleting the stale embedded Kafka directory {}", dir);
                        deleteRecursively(dir);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("cannot check {}", dir, e);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot list {}", tmp, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
