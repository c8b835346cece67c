package io.durablekafka.deploy;

import io.durablekafka.common.config.BindHost;
import io.durablekafka.common.config.Settings;
import io.durablekafka.deploy.benchmark.Benchmark;
import io.durablekafka.deploy.deadletters.DeadLettersCommand;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.kafka.BrokerOptions;
import io.durablekafka.kafka.EmbeddedKafkaBroker;
import io.durablekafka.kafka.KafkaCluster;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Command line entry: {@code local-cluster}, {@code gateway}, {@code node}, {@code worker}, {@code kafka},
 * {@code benchmark}, and the operator command {@code deadletters}.
 * Functions (orchestrations, activities) come from every {@code FunctionProvider} on the class path.
 */
public final class Main {

    /**
     * Option of a role started by {@link ProcessCluster}: the launcher's pid. The role exits (cleanly, through its
     * shutdown hook) when that process is gone, so that a launcher killed with -9 leaves no orphans.
     */
    public static final String PARENT_PID_OPTION = "parent-pid";

    /** The roles a process can run: the first argument. */
    public static final List<String> ROLES = List.of("local-cluster", "gateway", "node", "worker", "kafka", "benchmark");

    static final int DEFAULT_KAFKA_PORT = 9092;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return;
        }
        String role = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        if (role.equals("benchmark")) {
            int exitCode = Benchmark.run(rest);
            // Exit even on success: the cluster is closed by now, but a library thread that is not a daemon (the
            // gateway's MCP session sweeper) would keep the JVM, and the command, running forever.
            System.exit(exitCode);
        }
        if (role.equals("deadletters")) {
            int exitCode = DeadLettersCommand.run(rest, System.out, System.err);
            if (exitCode != 0) {
                System.exit(exitCode);
            }
            return;
        }
        Map<String, String> options = parseOptions(rest);
        try {
            switch (role) {
                case "local-cluster" -> localCluster(options);
                case "gateway", "node", "worker" -> role(role, options);
                case "kafka" -> kafka(options);
                default -> {
                    System.err.println("unknown role '" + role + "'");
                    usage();
                    System.exit(2);
                }
            }
        } catch (GatewayAccess.KeyRequired e) {
            // A refusal, not a failure: the message says what to set, a stack trace would bury it.
            System.err.println("durable-kafka " + role + " did not start: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException | Error e) {
            // Exit, whatever threads a half-started part left behind (the MCP SDK's session sweeper is not a daemon
            // and outlives its transport's close): a supervisor, or the local cluster's launcher, then sees a
            // failed process at once, instead of a live one that never answers /readyz.
            e.printStackTrace();
            // Last, so that the end of the log (what the launcher quotes) says why.
            System.err.println("durable-kafka " + role + " did not start: " + e);
            System.exit(1);
        }
    }

    private static void localCluster(Map<String, String> given) throws InterruptedException {
        Map<String, String> options = new HashMap<>(given);
        if (settingsWith(options).find(NodeOptions.SDK_WORKERS).isEmpty()) {
            // The local cluster serves the Durable Task SDKs' workers unless told not to (docs/sdk-workers.md):
            // an orchestration no node knows then waits for an SDK worker instead of failing.
            options.put(NodeOptions.SDK_WORKERS, "true");
        }
        int port = Integer.parseInt(options.getOrDefault("port", "7071"));
        Path dataDir = Path.of(options.getOrDefault("data-dir", ".data")).toAbsolutePath();
        quietKafkaInThisProcess();
        if (options.containsKey("nodes") || options.containsKey("workers") || options.containsKey("gateways")) {
            processCluster(options, port, dataDir);
            return;
        }
        FunctionRegistry registry = FunctionRegistry.discover();
        BindHost host = LocalCluster.bindHost(settingsWith(options));
        KafkaCluster kafka = KafkaCluster.resolveWith(brokerOptions(dataDir.resolve("kafka"), host));
        Settings settings = settingsWith(options).with(Settings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        LocalCluster cluster;
        try {
            cluster = LocalCluster.start(settings, registry, port, dataDir);
        } catch (RuntimeException | Error e) {
            // Without this the broker's threads keep the JVM alive after the failure.
            kafka.close();
            throw e;
        }
        CountDownLatch stopped = closeOnShutdown(cluster, kafka);
        System.out.println();
        System.out.println("durable-kafka is running: " + cluster.baseUrl());
        System.out.println("  Kafka:          " + kafka.bootstrapServers() + " (" + kafka.mode() + ")");
        System.out.println("  task hub:       " + settings.taskHub());
        System.out.println("  data directory: " + dataDir);
        System.out.println("  listening on:   " + listeningOn(host));
        System.out.println("  orchestrations: " + registry.orchestrationNames());
        System.out.println("  metrics:        " + cluster.baseUrl() + "/metrics (probes: /healthz, /readyz)");
        if (cluster.grpcPort() >= 0) {
            System.out.println("  gRPC (SDKs):    " + host.urlHost() + ":" + cluster.grpcPort()
                    + " (Durable Task SDK clients, TaskHubSidecarService; docs/sdk-workers.md)");
        }
        System.out.println("  webhook secret: " + cluster.webhookSecret() + " (completion callbacks, ?callbackUrl=)");
        System.out.println("  try:            curl -i -X POST " + cluster.baseUrl()
                + "/runtime/webhooks/durabletask/orchestrators/HelloCities");
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    /**
     * {@code local-cluster --nodes N --workers M --gateways G}: the broker in this process, each role in a child
     * process ({@link ProcessCluster}).
     */
    private static void processCluster(Map<String, String> options, int port, Path dataDir) throws InterruptedException {
        int nodes = Integer.parseInt(options.getOrDefault("nodes", "1"));
        int workers = Integer.parseInt(options.getOrDefault("workers", "1"));
        int gateways = Integer.parseInt(options.getOrDefault("gateways", "1"));
        if (nodes < 1 || workers < 1 || gateways < 1) {
            throw new IllegalArgumentException("--nodes, --workers and --gateways must each be at least 1");
        }
        Map<String, String> childOptions = dkOverrides(options);
        // Each child gets its own port and the broker's address; the launcher's --port is the first gateway's.
        childOptions.remove(GatewayOptions.PORT);
        childOptions.remove(Settings.BOOTSTRAP_SERVERS);
        // Every child listens where the launcher does (children alone would default to every interface).
        BindHost host = LocalCluster.bindHost(Settings.of(childOptions));
        childOptions.put(BindHost.SETTING, host.host());
        KafkaCluster kafka = KafkaCluster.resolveWith(brokerOptions(dataDir.resolve("kafka"), host));
        Settings settings = Settings.of(childOptions);
        String secret = settings.find(WebhookOptions.SECRET)
                .orElseGet(() -> LocalCluster.storedSecret(dataDir.resolve("webhook-secret")));
        ProcessCluster cluster;
        try {
            // The local cluster's rule, checked here once: gateways alone would insist on a key even on loopback.
            Settings gatewaySettings = settings.with(Settings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            if (GatewayAccess.check(GatewayOptions.fromSettings(gatewaySettings, Set.of()), gatewaySettings, true)) {
                childOptions.putIfAbsent(GatewayOptions.ALLOW_ANONYMOUS, "true");
            }
            cluster = ProcessCluster.start(childOptions, kafka.bootstrapServers(), nodes, workers, gateways, port,
                    dataDir, secret);
        } catch (RuntimeException | Error e) {
            kafka.close();
            throw e;
        }
        CountDownLatch stopped = closeOnShutdown(cluster, kafka);
        System.out.println();
        System.out.println("durable-kafka is running as " + cluster.children().size() + " processes (pid of this"
                + " launcher: " + ProcessHandle.current().pid() + "):");
        System.out.println("  Kafka:          " + kafka.bootstrapServers() + " (" + kafka.mode()
                + (kafka.mode() == KafkaCluster.Mode.EMBEDDED ? ", in this launcher's process)" : ")"));
        for (ProcessCluster.Child c : cluster.children()) {
            String what = c.role().equals("gateway") ? "HTTP API, /metrics, /healthz, /readyz"
                    : "management: /metrics, /healthz, /readyz";
            System.out.printf("  %-15s %s (%s; pid %d, log %s)%n", c.name() + ":", c.url(), what, c.process().pid(),
                    c.log());
        }
        System.out.println("  task hub:       " + settings.taskHub());
        System.out.println("  data directory: " + dataDir);
        System.out.println("  listening on:   " + listeningOn(host));
        System.out.println("  webhook secret: " + secret + " (completion callbacks, ?callbackUrl=)");
        System.out.println("  one port for all gateways: see \"Gateways behind one port\" in README.md");
        System.out.println("Press Ctrl-C to stop them all.");
        stopped.await();
    }

    /**
     * {@code kafka [--data-dir .data/kafka] [--port 9092] [--host localhost]}: the embedded KRaft broker alone, on
     * loopback unless {@code --host} opens it.
     */
    private static void kafka(Map<String, String> options) throws InterruptedException {
        exitWithParent(options.get(PARENT_PID_OPTION));
        Path dataDir = Path.of(options.getOrDefault("data-dir", ".data/kafka")).toAbsolutePath();
        int port = Integer.parseInt(options.getOrDefault("port", String.valueOf(DEFAULT_KAFKA_PORT)));
        quietKafkaInThisProcess();
        BindHost host = LocalCluster.bindHost(settingsWith(options));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerOptions(dataDir, host).withPort(port));
        CountDownLatch stopped = closeOnShutdown(broker);
        System.out.println("Kafka (embedded KRaft broker) running: bootstrap servers " + broker.bootstrapServers()
                + " (data: " + broker.dataDir() + "). Press Ctrl-C to stop.");
        stopped.await();
    }

    private static void role(String role, Map<String, String> options) throws InterruptedException {
        exitWithParent(options.get(PARENT_PID_OPTION));
        Settings settings = settingsWith(options);
        FunctionRegistry registry = FunctionRegistry.discover();
        Role running = Role.start(role, settings, registry);
        CountDownLatch stopped = closeOnShutdown(running);
        String where = running.running() instanceof Gateway g ? " at " + g.baseUrl() : "";
        if (running.managementUrl() != null) {
            where += "; metrics and probes at " + running.managementUrl() + "/metrics, /healthz, /readyz";
        }
        System.out.println("durable-kafka " + role + " running" + where + " (Kafka " + settings.bootstrapServers()
                + ", task hub " + settings.taskHub() + "). Press Ctrl-C to stop.");
        stopped.await();
    }

    /** The embedded broker of a launcher: its client listener where the launcher's other listeners are. */
    private static BrokerOptions brokerOptions(Path dataDir, BindHost host) {
        return BrokerOptions.defaults().withDataDir(dataDir)
                .withHost(host.kafkaListenerHost(), host.kafkaAdvertisedHost());
    }

    private static String listeningOn(BindHost host) {
        return host.isLoopback() ? host + "; --host 0.0.0.0 opens it to other machines (docs/security.md)"
                : host + " (gateway keys: docs/security.md)";
    }

    /**
     * Closes {@code parts}, in this order, when the JVM shuts down (Ctrl-C, SIGTERM); the latch opens once they are
     * closed, so that the main thread can wait on it.
     */
    private static CountDownLatch closeOnShutdown(AutoCloseable... parts) {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable part : parts) {
                Closeables.closeQuietly(part);
            }
            closed.countDown();
        }));
        return closed;
    }

    private static void exitWithParent(String parentPid) {
        if (parentPid == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parentPid)).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    System.err.println("the launcher (pid " + parentPid + ") is gone; stopping");
                    System.exit(0);
                }),
                () -> {
                    System.err.println("the launcher (pid " + parentPid + ") is gone; not starting");
                    System.exit(1);
                });
    }

    /**
     * Log levels for a Kafka broker that runs in this process (local cluster, benchmark), set before any Kafka
     * logger exists: slf4j-simple reads system properties before simplelogger.properties. Not for a Kafka cluster
     * elsewhere ({@code dk.bootstrap.servers}): there the clients' connection warnings are what shows a broker
     * that cannot be reached.
     */
    public static void quietKafkaInThisProcess() {
        if (KafkaCluster.isExternal()) {
            return;
        }
        // Kafka's controller shuts its registration channel down twice and warns at the second time ("Attempting
        // to close NetworkClient that has already been closed"), at every shutdown of the embedded broker.
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
    }

    public static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** {@code --key value} options; keys starting with {@code dk.} become settings overrides. */
    public static Map<String, String> parseOptions(List<String> args) {
        Map<String, String> options = new HashMap<>();
        List<String> rest = new ArrayList<>(args);
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < rest.size() && !rest.get(i + 1).startsWith("--")) {
                value = rest.get(++i);
            } else {
                value = "true";
            }
            options.put(key, value);
        }
        return options;
    }

    public static Settings settingsWith(Map<String, String> options) {
        return Settings.of(dkOverrides(options));
    }

    /** The settings the options give: {@code --dk.*}, and the short forms of a few. */
    static Map<String, String> dkOverrides(Map<String, String> options) {
        Map<String, String> overrides = new HashMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith("dk.")) {
                overrides.put(k, v);
            }
        });
        if (options.containsKey("bootstrap-servers")) {
            overrides.put(Settings.BOOTSTRAP_SERVERS, options.get("bootstrap-servers"));
        }
        if (options.containsKey("task-hub")) {
            overrides.put(Settings.TASK_HUB, options.get("task-hub"));
        }
        if (options.containsKey("port")) {
            overrides.put(GatewayOptions.PORT, options.get("port"));
        }
        if (options.containsKey("host")) {
            overrides.put(BindHost.SETTING, options.get("host"));
        }
        if (options.containsKey("allow-anonymous")) {
            overrides.put(GatewayOptions.ALLOW_ANONYMOUS, options.get("allow-anonymous"));
        }
        return overrides;
    }

    private static void usage() {
        System.out.println("""
                usage: durable-kafka <role> [options]
                  local-cluster [--port 7071] [--data-dir .data]   embedded Kafka + node + worker + gateway, with the samples
                    [--nodes N --workers M --gateways G]            ... each role in a process of its own (logs in <data-dir>/logs)
                    [--host localhost]                              where it listens: loopback; 0.0.0.0 opens it (then keys, below)
                  kafka    [--port 9092] [--data-dir .data/kafka]   the embedded KRaft broker alone (--host as above)
                  gateway  [--port 7071]                            the HTTP API (and /metrics, /healthz, /readyz); needs a key
                    [--dk.gateway.system.key KEY | --allow-anonymous]  ... or to be told to serve without one
                  node     [--dk.node.management.port 7072]         an orchestrator node (/metrics, /healthz, /readyz)
                  worker   [--dk.worker.management.port 7073]       an activity worker (/metrics, /healthz, /readyz)
                  benchmark [--mode MODE] [options]                 measures one workload, in an embedded cluster unless --url;
                            modes: throughput (default), latency, sequence, fan-out, waiting, list, entity-signals
                            (benchmark --help: every mode and its options)
                  deadletters list|replay [options]                 shows the hub's dead letters, re-sends chosen ones
                            (deadletters --help: the options)
                options for every role: --bootstrap-servers host:port, --task-hub NAME, --host ADDRESS (default 0.0.0.0
                alone, localhost in local-cluster), --dk.<setting> value (Kafka client security: --dk.kafka.<property>)
                (settings can also be given as -Ddk.<setting>=value or DK_<SETTING> environment variables)""");
    }
}
