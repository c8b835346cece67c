package io.durablekafka.deploy;

import io.durablekafka.common.config.BindHost;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.observability.ProbeResponses;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of separate processes on this machine ({@code local-cluster --nodes N --workers M --gateways G}): each
 * role is a child JVM running {@code Main node|worker|gateway} with this process's class path, against one Kafka
 * (the embedded broker in the launcher's process, see {@link Main}). Ports are consecutive from the first
 * gateway's: gateways, then the nodes' management ports, then the workers'. Each child's output goes to
 * {@code <dataDir>/logs/<name>.log}, node state to {@code <dataDir>/<name>}.
 *
 * <p>Children are told the launcher's pid ({@value Main#PARENT_PID_OPTION}) and exit when it is gone, so a launcher
 * killed with -9 leaves nothing behind; a launcher that stops normally stops them first.
 */
public final class ProcessCluster implements AutoCloseable {

    /** One child process: its role, name, the host and port it is reached on, and its log. */
    public record Child(String role, String name, String host, int port, Path log, Process process) {

        /** The gateway's base URL, or the node's or worker's management URL. */
        public String url() {
            return "http://" + host + ":" + port;
        }

        /** The last {@code lines} lines of its log, for an error message that must stand on its own. */
        public String logTail(int lines) {
            return tail(log, lines);
        }
    }

    /** The last {@code lines} lines of a log file (none yet: empty), or why it cannot be read. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** How many of a failed child's last log lines its error message carries. */
    private static final int FAILURE_LOG_LINES = 40;

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final List<Child> children;
    private final Map<String, String> dkOptions;
    private final String bootstrapServers;
    private final Path dataDir;
    private final String webhookSecret;

    private ProcessCluster(List<Child> children, Map<String, String> dkOptions, String bootstrapServers, Path dataDir,
                           String webhookSecret) {
        this.children = children;
        this.dkOptions = dkOptions;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.webhookSecret = webhookSecret;
    }

    /**
     * Starts the nodes, waits until one is ready (nodes create the hub's topics, which gateways need), starts the
     * workers and gateways, and waits until every gateway and node answers {@code /readyz} with 200.
     *
     * @param dkOptions {@code dk.*} settings passed on to every child
     */
    public static ProcessCluster start(Map<String, String> dkOptions, String bootstrapServers, int nodes, int workers,
                                       int gateways, int firstPort, Path dataDir, String webhookSecret) {
        List<Child> children = new ArrayList<>();
        ProcessCluster cluster = new ProcessCluster(children, dkOptions, bootstrapServers, dataDir, webhookSecret);
        try {
            // The first ports are the gateways', started last.
            int port = firstPort + gateways;
            for (int i = 1; i <= nodes; i++, port++) {
                String name = "node-" + i;
                children.add(launch("node", name, port, dataDir, dkOptions, bootstrapServers, null,
                        NodeOptions.MANAGEMENT_PORT, String.valueOf(port),
                        NodeOptions.STATE_DIR, dataDir.resolve(name).toString()));
            }
            cluster.awaitAnyReady(children);
            for (int i = 1; i <= workers; i++, port++) {
                children.add(launch("worker", "worker-" + i, port, dataDir, dkOptions, bootstrapServers, null,
                        WorkerOptions.MANAGEMENT_PORT, String.valueOf(port)));
            }
            // The gateways' gRPC ports follow each other like their HTTP ports (0 or negative: as given).
            int grpcPort = Settings.of(dkOptions).getInt(SidecarOptions.PORT, SidecarOptions.DEFAULT_PORT);
            for (int i = 1; i <= gateways; i++) {
                children.add(cluster.launchGateway("gateway-" + i, firstPort + i - 1,
                        grpcPort <= 0 ? grpcPort : grpcPort + i - 1));
            }
            for (Child c : children) {
                if (!c.role().equals("worker")) {
                    cluster.awaitReady(c);
                }
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** A cluster without processes yet, for gateways added one by one ({@link #addGateway}) to a hub that exists. */
    public static ProcessCluster gatewaysOnly(Map<String, String> dkOptions, String bootstrapServers, Path dataDir,
                                              String webhookSecret) {
        return new ProcessCluster(new ArrayList<>(), dkOptions, bootstrapServers, dataDir, webhookSecret);
    }

    /** Stops one child (SIGTERM, SIGKILL after the grace period) and forgets it. */
    public void stop(Child child) throws InterruptedException {
        child.process().destroy();
        if (!child.process().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
            child.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        children.remove(child);
    }

    /**
     * Starts one more gateway ({@code name}, its views under {@code <dataDir>/<name>}) on {@code port} and waits
     * until it answers {@code /readyz}: its views have caught up with the hub's topics.
     */
    public Child addGateway(String name, int port, Duration readyTimeout) {
        // An added gateway serves gRPC on any free port: the numbered ones belong to the first gateways.
        Child gateway = launchGateway(name, port, 0);
        children.add(gateway);
        awaitReady(gateway, readyTimeout);
        return gateway;
    }

    private Child launchGateway(String name, int port, int grpcPort) {
        // Like the one-process local cluster: callbacks to this machine allowed, one secret for all gateways
        // (in the environment, not on a command line that ps shows).
        return launch("gateway", name, port, dataDir, dkOptions, bootstrapServers,
                Map.of(Settings.environmentVariable(WebhookOptions.SECRET), webhookSecret),
                GatewayOptions.PORT, String.valueOf(port),
                GatewayOptions.DATA_DIR, dataDir.resolve(name).toString(),
                SidecarOptions.PORT, String.valueOf(grpcPort),
                WebhookOptions.ALLOW_PRIVATE, dkOptions.getOrDefault(WebhookOptions.ALLOW_PRIVATE, "true"));
    }

    /**
     * The embedded KRaft broker alone in a child process ({@code Main kafka}) on {@code port}, its data under
     * {@code <dataDir>/kafka}, so that its CPU can be told apart from its clients' (the benchmark's scale mode).
     * It exits with this process; the caller destroys it.
     */
    public static Child startKafka(int port, Path dataDir) {
        return launch("kafka", "kafka", port, dataDir, Map.of(), null, null,
                "port", String.valueOf(port), "data-dir", dataDir.resolve("kafka").toString());
    }

    private static Child launch(String role, String name, int port, Path dataDir, Map<String, String> dkOptions,
                                String bootstrapServers, Map<String, String> environment, String... settings) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        // The launcher's JVM options (heap, -D settings, the JDK 24+ flags of bin/jdk.sh), but not a debugger's
        // agent, whose port only one process can have.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), role,
                "--" + Main.PARENT_PID_OPTION, String.valueOf(ProcessHandle.current().pid())));
        dkOptions.forEach((k, v) -> {
            command.add("--" + k);
            command.add(v);
        });
        if (bootstrapServers != null) {
            command.addAll(List.of("--" + Settings.BOOTSTRAP_SERVERS, bootstrapServers));
        }
        for (int i = 0; i < settings.length; i += 2) {
            command.addAll(List.of("--" + settings[i], settings[i + 1]));
        }
        Path log = dataDir.resolve("logs").resolve(name + ".log");
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (environment != null) {
                builder.environment().putAll(environment);
            }
            // Where its listeners bind (the same dk.bind.host as every child's): readiness is polled there.
            String host = BindHost.fromSettings(Settings.of(dkOptions), BindHost.loopback()).urlHost();
            return new Child(role, name, host, port, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void awaitAnyReady(List<Child> candidates) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (true) {
                for (Child c : candidates) {
                    checkAlive(c);
                    if (isReady(http, c)) {
                        return;
                    }
                }
                pauseUntil(deadline, () -> "no node became ready within " + READY_TIMEOUT.toSeconds() + " s; "
                        + candidates.get(0).name() + "'s log ends with:" + System.lineSeparator()
                        + candidates.get(0).logTail(FAILURE_LOG_LINES));
            }
        }
    }

    private void awaitReady(Child child) {
        awaitReady(child, READY_TIMEOUT);
    }

    private void awaitReady(Child child, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (!isReady(http, child)) {
                checkAlive(child);
                pauseUntil(deadline, () -> child.name() + " did not become ready within " + timeout.toSeconds()
                        + " s; " + child.log() + " ends with:" + System.lineSeparator()
                        + child.logTail(FAILURE_LOG_LINES));
            }
        }
    }

    private static void checkAlive(Child c) {
        if (!c.process().isAlive()) {
            throw new IllegalStateException(c.name() + " exited with code " + c.process().exitValue() + "; " + c.log()
                    + " ends with:" + System.lineSeparator() + c.logTail(FAILURE_LOG_LINES));
        }
    }

    private static void pauseUntil(long deadline, java.util.function.Supplier<String> timeoutMessage) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(timeoutMessage.get());
        }
        try {
            // A poll interval, not a wait for a condition: the loop around it checks the condition.
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster to start", e);
        }
    }

    /** {@code /readyz} answers 200; false while the child is not listening yet. */
    static boolean isReady(HttpClient http, Child child) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(child.url() + ProbeResponses.READINESS_PATH))
                    .timeout(Duration.ofSeconds(5)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public List<Child> children() {
        return List.copyOf(children);
    }

    public List<Child> children(String role) {
        return children.stream().filter(c -> c.role().equals(role)).toList();
    }

    /**
     * Stops every child: SIGTERM to all at once (each runs its shutdown hook: leaves its group, closes stores), then
     * SIGKILL to any still running after a grace period.
     */
    @Override
    public void close() {
        // Gateways and workers are signalled before nodes, so that less is in flight to nodes that are leaving.
        List<Child> order = new ArrayList<>(children);
        java.util.Collections.reverse(order);
        order.forEach(c -> c.process().destroy());
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (Child c : order) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!c.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                    c.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.process().destroyForcibly();
            }
        }
    }
}
