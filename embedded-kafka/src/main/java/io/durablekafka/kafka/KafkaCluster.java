package io.durablekafka.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka cluster to use, resolved in this order:
 * <ol>
 *   <li>{@code dk.bootstrap.servers} (system property) or {@code DK_BOOTSTRAP_SERVERS} (environment) set:
 *       that external cluster; nothing is started;</li>
 *   <li>else, unless {@code dk.kafka.mode} / {@code DK_KAFKA_MODE} is {@code embedded}, and a Docker engine is
 *       reachable: a Testcontainers {@code apache/kafka} container (image overridable with {@code dk.kafka.image} /
 *       {@code DK_KAFKA_IMAGE});</li>
 *   <li>else: an {@link EmbeddedKafkaBroker} in this JVM.</li>
 * </ol>
 * {@code dk.kafka.mode=testcontainers} requires Docker (fails without it); {@code auto} (the default) picks as above.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);

    public static final String BOOTSTRAP_SERVERS_PROPERTY = "dk.bootstrap.servers";
    public static final String MODE_PROPERTY = "dk.kafka.mode";
    public static final String IMAGE_PROPERTY = "dk.kafka.image";
    public static final String DEFAULT_IMAGE = "apache/kafka:4.3.1";

    /** Where the cluster comes from. */
    public enum Mode { EXTERNAL, TESTCONTAINERS, EMBEDDED }

    private final Mode mode;
    private final String bootstrapServers;
    private final AutoCloseable owned;
    private boolean closed;

    private KafkaCluster(Mode mode, String bootstrapServers, AutoCloseable owned) {
        this.mode = mode;
        this.bootstrapServers = bootstrapServers;
        this.owned = owned;
    }

    /**
     * Resolves (and if needed starts) the cluster.
     *
     * @param dataDirOrNull data directory for an embedded broker ({@code null}: a temporary one, deleted on close);
     *                      ignored by the other modes
     */
    public static KafkaCluster resolve(Path dataDirOrNull) {
        return resolveWith(BrokerOptions.defaults().withDataDir(dataDirOrNull));
    }

    /**
     * Resolves (and if needed starts) the cluster; an embedded broker is started with {@code embedded} (its data
     * directory, port, listener address, users), which the other modes ignore.
     */
    public static KafkaCluster resolveWith(BrokerOptions embedded) {
        String external = setting(BOOTSTRAP_SERVERS_PROPERTY);
        if (external != null) {
            LOG.info("Using the external Kafka cluster at {}", external);
            return new KafkaCluster(Mode.EXTERNAL, external, null);
        }
        String requested = setting(MODE_PROPERTY);
        String mode = requested == null ? "auto" : requested.toLowerCase(Locale.ROOT);
        switch (mode) {
            case "embedded" -> {
                return embedded(embedded);
            }
            case "testcontainers", "docker" -> {
                if (!DockerProbe.available()) {
                    throw new IllegalStateException(MODE_PROPERTY + "=" + requested
                            + " but no Docker engine is reachable");
                }
                return testcontainers();
            }
            case "auto" -> {
                return DockerProbe.available() ? testcontainers() : embedded(embedded);
            }
            default -> throw new IllegalArgumentException("unknown " + MODE_PROPERTY + " '" + requested
                    + "' (expected embedded, testcontainers or auto)");
        }
    }

    /** Whether {@link #resolve(Path)} uses an external cluster ({@code dk.bootstrap.servers} is set) and starts nothing. */
    public static boolean isExternal() {
        return setting(BOOTSTRAP_SERVERS_PROPERTY) != null;
    }

    private static KafkaCluster embedded(BrokerOptions options) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(options);
        return new KafkaCluster(Mode.EMBEDDED, broker.bootstrapServers(), broker);
    }

    private static KafkaCluster testcontainers() {
        String image = setting(IMAGE_PROPERTY);
        TestcontainersKafka container = TestcontainersKafka.start(image == null ? DEFAULT_IMAGE : image);
        LOG.info("Using a Testcontainers Kafka ({}) at {}", container.image(), container.bootstrapServers());
        return new KafkaCluster(Mode.TESTCONTAINERS, container.bootstrapServers(), container);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Mode mode() {
        return mode;
    }

    /** Stops what {@link #resolve(Path)} started (nothing for an external cluster). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (owned != null) {
            try {
                owned.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the Kafka " + mode, e);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaCluster[" + mode + " " + bootstrapServers + "]";
    }

    /** A system property, else the environment variable of the same name upper-cased with '.' → '_'. */
    static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** Detects a Docker engine; cheap file/env checks first so a machine without Docker answers fast and quietly. */
    static final class DockerProbe {
        private static volatile Boolean available;

        private DockerProbe() {
        }

        static boolean available() {
            Boolean a = available;
            if (a == null) {
                synchronized (DockerProbe.class) {
                    a = available;
                    if (a == null) {
                        a = probe();
                        available = a;
                    }
                }
            }
            return a;
        }

        private static boolean probe() {
            if (!plausible()) {
                return false;
            }
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    f.complete(org.testcontainers.DockerClientFactory.instance().isDockerAvailable());
                } catch (Throwable e) {
                    f.complete(false);
                }
            }, "docker-probe");
            t.setDaemon(true);
            t.start();
            try {
                return f.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                LOG.warn("Docker detection timed out; using the embedded Kafka broker");
                return false;
            }
        }

        /** Whether any sign of a Docker engine exists (DOCKER_HOST, a known socket, a Testcontainers config). */
        private static boolean plausible() {
            if (System.getenv("DOCKER_HOST") != null || System.getProperty("docker.host") != null
                    || System.getenv("TESTCONTAINERS_HOST_OVERRIDE") != null) {
                return true;
            }
            String home = System.getProperty("user.home", "");
            List<Path> candidates = new ArrayList<>(List.of(
                    Path.of("/var/run/docker.sock"),
                    Path.of("/run/docker.sock"),
                    Path.of(home, ".docker", "run", "docker.sock"),
                    Path.of(home, ".docker", "desktop", "docker.sock"),
                    Path.of(home, ".rd", "docker.sock"),
                    Path.of(home, ".colima", "default", "docker.sock"),
                    Path.of(home, ".orbstack", "run", "docker.sock")));
            String xdg = System.getenv("XDG_RUNTIME_DIR");
            if (xdg != null) {
                candidates.add(Path.of(xdg, "docker.sock"));
                candidates.add(Path.of(xdg, "podman", "podman.sock"));
            }
            for (Path p : candidates) {
                if (Files.exists(p)) {
                    return true;
                }
            }
            Path tcProps = Path.of(home, ".testcontainers.properties");
            try {
                return Files.exists(tcProps) && Files.readString(tcProps).contains("docker.host");
            } catch (Exception e) {
                return false;
            }
        }
    }
}
