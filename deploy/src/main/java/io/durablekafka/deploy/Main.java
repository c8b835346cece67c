package io.durablekafka.deploy;

import io.durablekafka.common.config.Settings;
import io.durablekafka.deploy.benchmark.Benchmark;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.kafka.KafkaCluster;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Command line entry: {@code local-cluster}, {@code gateway}, {@code node}, {@code worker}, {@code benchmark}.
 * Functions (orchestrations, activities) come from every {@code FunctionProvider} on the class path.
 */
public final class Main {

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
            if (exitCode != 0) {
                System.exit(exitCode);
            }
            return;
        }
        Map<String, String> options = parseOptions(rest);
        switch (role) {
            case "local-cluster" -> localCluster(options);
            case "gateway", "node", "worker" -> role(role, options);
            default -> {
                System.err.println("unknown role '" + role + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private static void localCluster(Map<String, String> options) throws InterruptedException {
        int port = Integer.parseInt(options.getOrDefault("port", "7071"));
        Path dataDir = Path.of(options.getOrDefault("data-dir", ".data")).toAbsolutePath();
        quietKafkaInThisProcess();
        FunctionRegistry registry = FunctionRegistry.discover();
        KafkaCluster kafka = KafkaCluster.resolve(dataDir.resolve("kafka"));
        Settings settings = settingsWith(options).with(Settings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        LocalCluster cluster;
        try {
            cluster = LocalCluster.start(settings, registry, port, dataDir);
        } catch (RuntimeException | Error e) {
            // Without this the broker's threads keep the JVM alive after the failure.
            kafka.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            kafka.close();
            stopped.countDown();
        }));
        System.out.println();
        System.out.println("durable-kafka is running: " + cluster.baseUrl());
        System.out.println("  Kafka:          " + kafka.bootstrapServers() + " (" + kafka.mode() + ")");
        System.out.println("  task hub:       " + settings.taskHub());
        System.out.println("  data directory: " + dataDir);
        System.out.println("  orchestrations: " + registry.orchestrationNames());
        System.out.println("  metrics:        " + cluster.baseUrl() + "/metrics (probes: /healthz, /readyz)");
        System.out.println("  webhook secret: " + cluster.webhookSecret() + " (completion callbacks, ?callbackUrl=)");
        System.out.println("  try:            curl -i -X POST " + cluster.baseUrl()
                + "/runtime/webhooks/durabletask/orchestrators/HelloCities");
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    private static void role(String role, Map<String, String> options) throws InterruptedException {
        Settings settings = settingsWith(options);
        FunctionRegistry registry = FunctionRegistry.discover();
        Role running = Role.start(role, settings, registry);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        String where = running.running() instanceof Gateway g ? " at " + g.baseUrl() : "";
        if (running.managementUrl() != null) {
            where += "; metrics and probes at " + running.managementUrl() + "/metrics, /healthz, /readyz";
        }
        System.out.println("durable-kafka " + role + " running" + where + " (Kafka " + settings.bootstrapServers()
                + ", task hub " + settings.taskHub() + "). Press Ctrl-C to stop.");
        stopped.await();
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
        return Settings.of(overrides);
    }

    private static void usage() {
        System.out.println("""
                usage: durable-kafka <role> [options]
                  local-cluster [--port 7071] [--data-dir .data]   embedded Kafka + node + worker + gateway, with the samples
                  gateway  [--port 7071]                            the HTTP API (and /metrics, /healthz, /readyz)
                  node     [--dk.node.management.port 7072]         an orchestrator node (/metrics, /healthz, /readyz)
                  worker   [--dk.worker.management.port 7073]       an activity worker (/metrics, /healthz, /readyz)
                  benchmark [--mode MODE] [options]                 measures one workload, in an embedded cluster unless --url;
                            modes: throughput (default), latency, sequence, fan-out, waiting, list, entity-signals
                            (benchmark --help: every mode and its options)
                options for every role: --bootstrap-servers host:port, --task-hub NAME, --dk.<setting> value
                (settings can also be given as -Ddk.<setting>=value or DK_<SETTING> environment variables)""");
    }
}
