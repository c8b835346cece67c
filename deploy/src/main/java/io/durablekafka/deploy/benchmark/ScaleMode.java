package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicProvisioner;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.deploy.ProcessCluster;
import io.durablekafka.gateway.webhooks.WebhookSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;

/**
 * Modes that run every role in a process of its own ({@link ProcessCluster}), with the broker in one more
 * (unless {@code --bootstrap-servers} names a Kafka elsewhere), so that each process's CPU can be read apart:
 * <ul>
 *   <li>{@code scale}: the same steady load (orchestrations as Kafka records, completion from the status topic,
 *       {@link KafkaLoad#runFor}) against 1, 2, 3... node processes, a fresh task hub each; one line per node count
 *       with throughput, latency, CPU seconds of each process in the window and the load average;</li>
 *   <li>{@code views}: the node-state changelog of N completed instances ({@link SyntheticChangelog}, no node
 *       runs), then a gateway process started on the hub and started again on the same directory: how long until
 *       it is ready (its views caught up with the changelog), its heap and resident set, its views on disk.</li>
 * </ul>
 */
final class ScaleMode {

    private static final Duration KAFKA_READY = Duration.ofMinutes(2);

    private ScaleMode() {
    }

    static void run(BenchmarkOptions options) throws Exception {
        Path dataDir = Files.createTempDirectory("dk-" + options.mode().cliName + "-");
        ProcessCluster.Child broker = null;
        boolean completed = false;
        try {
            String bootstrap = options.bootstrapServers();
            if (bootstrap == null) {
                broker = ProcessCluster.startKafka(options.port(), dataDir);
                bootstrap = "localhost:" + options.port();
                awaitKafka(bootstrap, broker);
                System.out.printf("broker: embedded KRaft broker in its own process (pid %d) at %s%n",
                        broker.process().pid(), bootstrap);
            }
            if (options.mode() == Mode.SCALE) {
                scale(options, bootstrap, broker, dataDir);
            } else {
                views(options, bootstrap, dataDir);
            }
            completed = true;
        } finally {
            if (broker != null) {
                broker.process().destroy();
                if (!broker.process().waitFor(30, TimeUnit.SECONDS)) {
                    broker.process().destroyForcibly();
                }
            }
            if (completed) {
                deleteQuietly(dataDir);
            } else {
                System.err.println("the processes' logs are kept under " + dataDir);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- scale

    /** One node count's figures. */
    private record Row(int nodes, KafkaLoad.Window window, Map<String, Double> cpuSeconds, String loadAverage,
                       long hubBytes) {
    }

    private static void scale(BenchmarkOptions options, String bootstrap, ProcessCluster.Child broker, Path dataDir)
            throws Exception {
        JsonNode input = Json.MAPPER.readTree(options.input());
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<Row> rows = new ArrayList<>();
        for (int nodes : options.nodeCounts()) {
            String hub = "scale" + nodes + "n" + run;
            Map<String, String> dk = localProcesses(options.dkOptions());
            dk.put(Settings.TASK_HUB, hub);
            System.out.printf("%n%d node process(es), %d worker(s), 1 gateway; task hub %s; %s, %d in flight, "
                            + "%d s warm-up then %d s measured%n", nodes, options.workers(), hub,
                    options.orchestration(), options.concurrency(), options.warmupSeconds(), options.seconds());
            try (ProcessCluster cluster = ProcessCluster.start(dk, bootstrap, nodes, options.workers(), 1,
                    options.port() + 1, dataDir.resolve(hub), WebhookSigner.generateSecret())) {
                Map<String, ProcessHandle> processes = new LinkedHashMap<>();
                for (ProcessCluster.Child c : cluster.children()) {
                    processes.put(c.name(), c.process().toHandle());
                }
                if (broker != null) {
                    processes.put("broker", broker.process().toHandle());
                }
                processes.put("harness", ProcessHandle.current());
                Map<String, Duration> before = new LinkedHashMap<>();
                Map<String, Double> cpu = new LinkedHashMap<>();
                String[] load = new String[1];
                KafkaLoad.Window w = new KafkaLoad(bootstrap, new TopicNames(hub)).runFor(options.orchestration(),
                        input, options.concurrency(), "scale-" + run + "-", Duration.ofSeconds(options.warmupSeconds()),
                        Duration.ofSeconds(options.seconds()),
                        () -> processes.forEach((name, p) -> before.put(name, cpuTime(p))),
                        () -> {
                            processes.forEach((name, p) -> cpu.put(name,
                                    (cpuTime(p).toNanos() - before.get(name).toNanos()) / 1e9));
                            load[0] = loadAverage();
                        });
                String prefix = "dk." + hub + ".";
                Row row = new Row(nodes, w, cpu, load[0], topicBytes(bootstrap, t -> t.startsWith(prefix)));
                rows.add(row);
                System.out.println(line(row));
            }
        }
        System.out.println();
        System.out.println("summary (" + options.orchestration() + " via Kafka, " + options.concurrency()
                + " in flight, " + options.seconds() + " s windows after " + options.warmupSeconds() + " s warm-up;"
                + " CPU seconds in the window; load average: 1, 5, 15 min at the window's end):");
        rows.forEach(r -> System.out.println("  " + line(r)));
    }

    private static String line(Row r) {
        KafkaLoad.Window w = r.window();
        double perSecond = w.completed() / w.seconds();
        double total = r.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
        double nodes = r.cpuSeconds().entrySet().stream().filter(e -> e.getKey().startsWith("node-"))
                .mapToDouble(Map.Entry::getValue).sum();
        StringBuilder cpu = new StringBuilder();
        r.cpuSeconds().forEach((name, s) -> cpu.append(String.format(" %s %.1f", name, s)));
        return String.format("nodes %d: %.1f orch/s (%,d in %.1f s, %d failed), p50 %.0f ms, p99 %.0f ms;"
                        + " CPU s:%s; all %.1f s = %.2f ms/orch (nodes %.2f); load %s; hub's topics %,.0f bytes per"
                        + " started orchestration",
                r.nodes(), perSecond, w.completed(), w.seconds(), w.failed(), w.latencies().percentile(50),
                w.latencies().percentile(99), cpu, total, w.completed() == 0 ? Double.NaN : total * 1000 / w.completed(),
                w.completed() == 0 ? Double.NaN : nodes * 1000 / w.completed(), r.loadAverage(),
                r.hubBytes() / (double) Math.max(1, w.started()));
    }

    /** User and system CPU time of a process so far (Linux: from /proc/<pid>/stat); zero where unknown. */
    private static Duration cpuTime(ProcessHandle p) {
        return p.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---------------------------------------------------------------------------------------------- views

    private static void views(BenchmarkOptions options, String bootstrap, Path dataDir) throws Exception {
        int n = options.instances();
        String run = Long.toString(System.currentTimeMillis(), 36);
        String hub = "views" + run;
        Map<String, String> dk = localProcesses(options.dkOptions());
        dk.put(Settings.TASK_HUB, hub);
        Settings settings = Settings.of(dk);
        TopicNames topics = new TopicNames(hub);
        try (Admin admin = admin(bootstrap)) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, settings.partitions(), (short) 1);
            provisioner.ensureHub(topics, List.of("default"));
            provisioner.ensureWebhooks(topics);
        }
        String prefix = "v" + run + "-";
        System.out.printf("writing the node-state changelog of %,d completed HelloSequence5 instances (task hub %s,"
                + " %d partitions)%n", n, hub, settings.partitions());
        long begin = System.nanoTime();
        long records = SyntheticChangelog.write(bootstrap, topics.nodeStateChangelog(), settings.partitions(), prefix, n);
        System.out.printf("  %,d records in %.1f s; %s on the broker%n", records, (System.nanoTime() - begin) / 1e9,
                mib(topicBytes(bootstrap, topics.nodeStateChangelog()::equals)));

        // No node: the gateway needs none to build its views (and one would only restore the same records).
        try (ProcessCluster cluster = ProcessCluster.gatewaysOnly(dk, bootstrap, dataDir.resolve(hub),
                WebhookSigner.generateSecret())) {
            String name = "gateway-1";
            Path views = dataDir.resolve(hub).resolve(name);
            for (String start : List.of("fresh", "restart")) {
                long t0 = System.nanoTime();
                ProcessCluster.Child gateway = cluster.addGateway(name, options.port() + 10, Duration.ofMinutes(60));
                double ready = (System.nanoTime() - t0) / 1e9;
                Map<String, Double> memory = gatewayMemory(gateway);
                JsonNode status = new GatewayClient(gateway.url()).status(prefix + (n - 1));
                if (status == null || !"Completed".equals(status.path("runtimeStatus").asText())) {
                    throw new IllegalStateException("the gateway does not show " + prefix + (n - 1) + " Completed: "
                            + status);
                }
                // Stopped before measuring the disk: without a write-ahead log, what is still in memtables is
                // flushed at close.
                cluster.stop(gateway);
                long disk = directoryBytes(views);
                System.out.printf("%s start of a gateway (pid %d): ready (/readyz 200) %.1f s after its launch (JVM"
                                + " start included; its log: %s); heap after full GC %s, resident set %s; views on disk"
                                + " after it stopped %s (%,.0f bytes per instance); load average %s%n", start,
                        gateway.process().pid(), ready, caughtUpLine(gateway.log()),
                        mib(memory.getOrDefault("heap", -1.0).longValue()),
                        mib(memory.getOrDefault("rss", -1.0).longValue()), mib(disk), disk / (double) n, loadAverage());
            }
        }
    }

    /** The view tailer's line saying when it caught up, as the gateway logged it. */
    private static String caughtUpLine(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            // The log is appended to at each start: its last two such lines are the latest start's.
            List<String> found = lines.filter(l -> l.contains("views of hub") && (l.contains("caught up")
                    || l.contains("resuming") || l.contains("building"))).toList();
            return found.subList(Math.max(0, found.size() - 2), found.size()).stream()
                    .map(l -> "\"" + l.substring(l.indexOf("views of hub")) + "\"")
                    .collect(java.util.stream.Collectors.joining(" "));
        } catch (IOException | UncheckedIOException e) {
            return "unreadable";
        }
    }

    /**
     * Heap after a full collection (asked for with {@code jcmd <pid> GC.run}, then read from the gateway's
     * {@code /metrics}) and resident set (from /proc).
     */
    private static Map<String, Double> gatewayMemory(ProcessCluster.Child gateway) throws Exception {
        Map<String, Double> result = new LinkedHashMap<>();
        long pid = gateway.process().pid();
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (Files.isExecutable(jcmd)) {
            new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double heap = metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes") && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            result.put("heap", heap);
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    result.put("rss", Double.parseDouble(l.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return result;
    }

    /** Bytes on the brokers of the topics {@code which} accepts (every replica, every partition). */
    private static long topicBytes(String bootstrap, java.util.function.Predicate<String> which) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<Integer> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                    .map(org.apache.kafka.common.Node::id).toList();
            long bytes = 0;
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions()
                    .get(30, TimeUnit.SECONDS).values()) {
                for (LogDirDescription d : dirs.values()) {
                    for (var e : d.replicaInfos().entrySet()) {
                        if (which.test(e.getKey().topic())) {
                            ReplicaInfo info = e.getValue();
                            bytes += info.size();
                        }
                    }
                }
            }
            return bytes;
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private static void awaitKafka(String bootstrap, ProcessCluster.Child broker) throws InterruptedException {
        long deadline = System.nanoTime() + KAFKA_READY.toNanos();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        // The port first, so that the admin client does not log a warning per attempt while the JVM starts.
        while (true) {
            try (java.net.Socket ignored = new java.net.Socket("localhost", port)) {
                break;
            } catch (IOException e) {
                if (!broker.process().isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not listen on " + bootstrap + "; see " + broker.log());
                }
                // A poll interval: the loop checks the condition.
                Thread.sleep(200);
            }
        }
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                if (!broker.process().isAlive()) {
                    throw new IllegalStateException("the broker process exited; see " + broker.log());
                }
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + KAFKA_READY
                                + "; see " + broker.log(), e);
                    }
                }
            }
        }
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format("%,.1f MiB", bytes / 1048576.0);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The settings of the run's processes: as {@code local-cluster --nodes} runs them, on loopback and so without a
     * key (a gateway alone would refuse to serve every interface without one), unless the options say otherwise.
     */
    private static Map<String, String> localProcesses(Map<String, String> dkOptions) {
        Map<String, String> dk = new LinkedHashMap<>(dkOptions);
        dk.putIfAbsent(io.durablekafka.common.config.BindHost.SETTING, io.durablekafka.common.config.BindHost.LOOPBACK);
        dk.putIfAbsent(io.durablekafka.gateway.GatewayOptions.ALLOW_ANONYMOUS, "true");
        return dk;
    }
}
