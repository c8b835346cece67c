package io.durablekafka.deploy;

import static io.durablekafka.deploy.Elapsed.fromTo;
import static io.durablekafka.deploy.Elapsed.secs;
import static io.durablekafka.deploy.TestFiles.resetDirectory;
import static io.durablekafka.deploy.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.common.topics.TopicProvisioner;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.gateway.views.Partitions;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chaos under load: the roles in processes of their own on one broker (the shared embedded one): three orchestrator
 * nodes with the default failover settings (one standby replica per partition, 10 s session timeout) and static
 * membership, two activity workers and a gateway as {@code Main node|worker|gateway} child JVMs, and a second
 * gateway in this JVM. While a mixed load runs (activity sequences, fan-outs, durable timers, sub-orchestrations,
 * orchestrations that signal entities, and entity signals over HTTP; it backs off while too many requests are open):
 * <ol>
 *   <li><b>measured failover</b>: a node is killed with -9 and kept down until its partitions run on the others
 *       (probe instances started on them right after the kill come past Pending), then restarted on its state
 *       directory until it owns partitions again and runs them;</li>
 *   <li><b>random kills</b>: a random node is killed with -9 every few seconds and restarted, at once (in place,
 *       before its session expires) or a few seconds later (after its partitions moved);</li>
 *   <li><b>a worker killed mid-activity</b>: the worker that runs {@code SlowHello} is killed while the activity
 *       holds; the request is delivered again to another worker, and the orchestration sees one result;</li>
 *   <li><b>a gateway killed mid-request</b>: the gateway process is killed while start requests that wait for
 *       completion ({@code ?timeout=}) are open on it; the clients retry on the other with the same instance IDs.</li>
 * </ol>
 * Then every instance must have completed with the right output and exactly one stored history event per step (the
 * nodes' state changelog, read_committed), and every counter must hold exactly the number of signals sent to it.
 * Nothing may be dead-lettered except second starts of IDs a client retried after the gateway kill.
 * <p>
 * Everything goes to {@code target/chaos-test-logs/}: {@code timeline.log} (this test, with the failover figures),
 * one log per process launch, and {@code failures.log} with the details of what went wrong. Manual runs can change
 * the nodes' settings with {@code -Ddk.chaos.standby.replicas=0}, {@code -Ddk.chaos.session.timeout.ms=...} and
 * {@code -Ddk.chaos.transaction.timeout.ms=...} (figures in docs/failover.md).
 */
@Tag("chaos")
// A guard against a hang only: every wait inside has its own deadline.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChaosTest {

    private static final int PARTITIONS = 6;
    private static final String PREFIX = "chaos-";
    private static final String API = "/runtime/webhooks/durabletask";
    /** Orchestrations started per tick of the load schedule (every 200 ms), and entity signals per counter. */
    private static final int STARTS_PER_TICK = 5;
    private static final int SIGNALS_PER_TICK_PER_COUNTER = 2;
    private static final Duration TICK = Duration.ofMillis(200);
    /**
     * Requests the load keeps open at most: a tick that finds more skips its starts and signals, so that a slow
     * machine gets less load rather than a queue of requests that time out.
     */
    private static final int MAX_OPEN_REQUESTS = 64;
    /** Random node kills after the measured one; the load runs until the last has been restarted. */
    private static final int RANDOM_KILLS = 6;
    private static final int HTTP_COUNTERS = 4;
    private static final int ORCHESTRATION_COUNTERS = 2;
    private static final int SIGNALS_PER_ORCHESTRATION = 3;
    /** Processes get this long to start and report that they run (a loaded 2-core machine starts 5 JVMs at once). */
    private static final Duration START_DEADLINE = Duration.ofSeconds(180);
    private static final List<String> CITIES5 = List.of("Tokyo", "Seattle", "London", "Paris", "Cairo");
    private static final List<String> CITIES3 = CITIES5.subList(0, 3);

    /** What the test starts, its orchestration, and the events each must leave in its stored history. */
    enum Kind {
        SEQUENCE("HelloSequence5", "seq"),
        TIMER("HelloTimerHello", "timer"),
        SUB_ORCHESTRATION("HelloCitiesParent", "sub"),
        FAN_OUT("FanOutFanIn", "fan"),
        SIGNAL("SignalCounter", "signal"),
        SLOW("HelloSlow", "slow"),
        /** The child of a SUB_ORCHESTRATION, started by it. */
        CHILD("HelloCities", "child");

        final String orchestration;
        final String tag;

        Kind(String orchestration, String tag) {
            this.orchestration = orchestration;
            this.tag = tag;
        }

        int activities() {
            return switch (this) {
                case SEQUENCE -> 5;
                case TIMER -> 2;
                case FAN_OUT -> 10;
                case CHILD -> 3;
                case SLOW -> 1;
                case SUB_ORCHESTRATION, SIGNAL -> 0;
            };
        }
    }

    private static final Kind[] MIX = {Kind.SEQUENCE, Kind.TIMER, Kind.SUB_ORCHESTRATION, Kind.SEQUENCE, Kind.FAN_OUT,
            Kind.SIGNAL};

    private final Path moduleDir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private final Path logDir = moduleDir.resolve("target/chaos-test-logs");
    private final Path stateRoot = moduleDir.resolve("target/chaos-test-state");
    private final Path slowDir = logDir.resolve("slow-activity");
    private final List<RoleProcess> launched = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(20)).build();
    /** The nodes' failover settings: the defaults unless a manual run gives others. */
    private final String standbyReplicas = System.getProperty("dk.chaos.standby.replicas",
            String.valueOf(NodeOptions.DEFAULT_STANDBY_REPLICAS));
    private final String sessionTimeoutMs = System.getProperty("dk.chaos.session.timeout.ms",
            String.valueOf(NodeOptions.DEFAULT_SESSION_TIMEOUT_MS));
    private final String transactionTimeoutMs = System.getProperty("dk.chaos.transaction.timeout.ms");

    private PrintWriter timelineFile;
    private Instant began = Instant.now();
    private String hub;
    private TopicNames topics;
    /** node-1..3 as they run now (replaced at each restart). */
    private final RoleProcess[] nodes = new RoleProcess[3];
    private final RoleProcess[] workers = new RoleProcess[2];
    /** gateway-1 (in this JVM, never killed) and gateway-2 (a process, killed once); null while down. */
    private final String[] gatewayUrls = new String[2];
    private RoleProcess gateway2;

    /** Instances the test expects, started by it or (children) by their parents. */
    private final Map<String, Kind> expected = new ConcurrentSkipListMap<>();
    /** IDs a client sent a second start for after its first request failed: their duplicates may be dead-lettered. */
    private final Set<String> restarted = ConcurrentHashMap.newKeySet();
    /** How many times the restarted instances ran ({@link #runsOfRestarted}), once the load is over. */
    private volatile Map<String, Integer> runs = Map.of();
    private final AtomicInteger interruptedStarts = new AtomicInteger();
    private final AtomicInteger openRequests = new AtomicInteger();
    private final AtomicInteger skippedTicks = new AtomicInteger();
    private final AtomicInteger[] inFlight = {new AtomicInteger(), new AtomicInteger()};
    /** Signals accepted (202) per counter key. */
    private final Map<String, AtomicInteger> signalsSent = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final List<String> figures = Collections.synchronizedList(new ArrayList<>());

    @Test
    void threeNodesTwoWorkersTwoGatewaysLoseAndDuplicateNothingUnderRandomKills() throws Exception {
        resetDirectory(logDir);
        resetDirectory(stateRoot);
        Files.createDirectories(slowDir);
        timelineFile = new PrintWriter(Files.newBufferedWriter(logDir.resolve("timeline.log")), true);
        hub = "Chaos" + Long.toString(System.nanoTime() % 1_000_000, 36);
        topics = new TopicNames(hub);
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        ScheduledExecutorService schedule = Executors.newScheduledThreadPool(3);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()));
             NodeGroupMonitor group = new NodeGroupMonitor(admin, topics.nodeApplicationId(), topics.orchestrations(),
                     this::log)) {
            // From here: the shared broker runs (the first test of the JVM starts it).
            began = Instant.now();
            try {
                run(admin, group, requests, schedule);
            } finally {
                schedule.shutdownNow();
                requests.shutdownNow();
                launched.forEach(RoleProcess::destroy);
                timelineFile.close();
            }
        }
        // Kept when the test fails, for a look at the stores.
        resetDirectory(stateRoot);
    }

    private void run(Admin admin, NodeGroupMonitor group, ExecutorService requests, ScheduledExecutorService schedule)
            throws Exception {
        new TopicProvisioner(admin, PARTITIONS, (short) 1).ensureHub(topics, TestFunctions.registry().taskQueues());
        log("hub " + hub + " (" + PARTITIONS + " partitions), nodes with standby replicas " + standbyReplicas
                + ", session timeout " + sessionTimeoutMs + " ms, transaction timeout "
                + (transactionTimeoutMs == null ? "Kafka Streams' default" : transactionTimeoutMs + " ms")
                + "; logs in " + logDir);

        // ------------------------------------------------------------------ the cluster: 6 processes and this JVM
        for (int i = 0; i < 3; i++) {
            nodes[i] = startNode(i);
        }
        for (int i = 0; i < 2; i++) {
            workers[i] = startWorker(i);
        }
        gateway2 = startGateway(2);
        try (Gateway gateway1 = new Gateway(GatewayOptions.of(SharedKafka.bootstrapServers(), topics),
                WebhookOptions.defaults().withDeliverer(false)).start()) {
            gatewayUrls[0] = gateway1.baseUrl();
            run(group, requests, schedule);
        }
    }

    private void run(NodeGroupMonitor group, ExecutorService requests, ScheduledExecutorService schedule)
            throws Exception {
        gatewayUrls[1] = awaitGateway(gateway2);
        for (RoleProcess w : workers) {
            w.awaitRunning(START_DEADLINE);
        }
        Instant settled = group.await("three nodes own two partitions each", began, START_DEADLINE,
                s -> s.settled(PARTITIONS) && IntStream.rangeClosed(1, 3)
                        .allMatch(n -> s.partitionsOf("node-" + n).size() == 2), where());
        log(String.format(Locale.ROOT, "cluster up %.1f s after the test began", secs(began, settled)));

        // ------------------------------------------------------------------ the load
        AtomicInteger tick = new AtomicInteger();
        Object tickLock = new Object();
        var load = schedule.scheduleAtFixedRate(() -> {
          synchronized (tickLock) {
            if (openRequests.get() > MAX_OPEN_REQUESTS) {
                skippedTicks.incrementAndGet();
                return;
            }
            int t = tick.getAndIncrement();
            for (int i = 0; i < STARTS_PER_TICK; i++) {
                int n = t * STARTS_PER_TICK + i;
                Kind kind = MIX[n % MIX.length];
                String id = PREFIX + String.format(Locale.ROOT, "%05d", n) + "-" + kind.tag;
                expected.put(id, kind);
                if (kind == Kind.SUB_ORCHESTRATION) {
                    expected.put(id + "-child", Kind.CHILD);
                }
                submit(requests, () -> startWithRetry(id, kind, input(id, kind, n), n % 2));
            }
            for (int c = 0; c < HTTP_COUNTERS; c++) {
                for (int i = 0; i < SIGNALS_PER_TICK_PER_COUNTER; i++) {
                    String key = "http-" + c;
                    submit(requests, () -> signal(key));
                }
            }
          }
        }, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);

        // ------------------------------------------------------------------ measured failover, then restart
        String first = PREFIX + "00000-" + MIX[0].tag;
        Conditions.await("the first instance of the load completes (" + first + ")", START_DEADLINE,
                () -> "Completed".equals(parse(get(API + "/instances/" + first).body()).path("runtimeStatus").asText()));
        log("the load runs: " + first + " completed");
        measuredFailover(group);

        // ------------------------------------------------------------------ random kills, a worker, a gateway
        CompletableFuture<Void> workerKill = CompletableFuture.runAsync(this::killWorkerMidActivity, requests);
        CompletableFuture<Void> gatewayKill = new CompletableFuture<>();
        schedule.schedule(() -> {
            try {
                killGatewayMidRequest();
                gatewayKill.complete(null);
            } catch (Throwable e) {
                gatewayKill.completeExceptionally(e);
            }
        }, 8, TimeUnit.SECONDS);
        CompletableFuture<Integer> randomKills = new CompletableFuture<>();
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        log(RANDOM_KILLS + " random kills (seed " + seed + ")");
        new RandomKills(schedule, random, randomKills).next(Duration.ofSeconds(2));

        // ------------------------------------------------------------------ the load ends; everything must end
        Instant killsDone;
        try {
            randomKills.get(300, TimeUnit.SECONDS);
            killsDone = Instant.now();
            log(RANDOM_KILLS + " random kills done");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("random kills failed: " + e.getCause(), e.getCause());
        }
        join(workerKill, "the worker kill");
        join(gatewayKill, "the gateway kill");
        load.cancel(false);
        synchronized (tickLock) {
            // A tick under way has submitted all its requests once it lets go: none comes after the shutdown below.
        }
        Instant loadEnd = Instant.now();
        log("load stopped after " + tick.get() + " ticks (" + skippedTicks.get() + " skipped: " + MAX_OPEN_REQUESTS
                + " requests open)");
        requests.shutdown();
        if (!requests.awaitTermination(120, TimeUnit.SECONDS)) {
            throw new AssertionError("client requests still running 120 s after the load ended; see " + where());
        }
        Instant allRunning = group.await("all three nodes in the group again", killsDone, Duration.ofSeconds(90),
                s -> s.settled(PARTITIONS) && IntStream.rangeClosed(1, 3)
                        .allMatch(n -> s.memberOf("node-" + n).isPresent()), where());
        log(String.format(Locale.ROOT, "load ended: %d instances expected (%d started by the test), %d signals sent; "
                        + "all nodes back %.1f s after the last kill", expected.size(),
                expected.values().stream().filter(k -> k != Kind.CHILD).count(),
                signalsSent.values().stream().mapToInt(AtomicInteger::get).sum(), secs(killsDone, allRunning)));
        if (!errors.isEmpty()) {
            fail(errors.size() + " client requests failed for good, e.g. " + errors.stream().limit(5).toList()
                    + "; see " + where());
        }

        Instant allEnded = awaitAllEnded(expected.keySet(), Duration.ofSeconds(150));
        log(String.format(Locale.ROOT, "every instance ended %.1f s after the load", secs(loadEnd, allEnded)));
        verifyCounters();
        verifyInstances();
        for (RoleProcess p : List.of(nodes[0], nodes[1], nodes[2], workers[0], workers[1], gateway2)) {
            assertTrue(p.isAlive(), p + " died on its own; see " + p.log);
        }
        log(String.format(Locale.ROOT, "summary%n  %s%n  whole test %.1f s", String.join("\n  ", figures),
                secs(began, Instant.now())));
    }

    // ------------------------------------------------------------------------------------------ processes

    private RoleProcess startNode(int index) {
        String name = "node-" + (index + 1);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dk.partitions", String.valueOf(PARTITIONS));
        s.put("dk.node.standby.replicas", standbyReplicas);
        s.put("dk.node.session.timeout.ms", sessionTimeoutMs);
        if (transactionTimeoutMs != null) {
            // The dead process's open transaction holds up readers of its partitions until the coordinator aborts it.
            s.put("dk.kafka.transaction.timeout.ms", transactionTimeoutMs);
        }
        // Static membership: a node restarted before its session expires takes its partitions back without a
        // rebalance. Also how the group monitor tells the members apart.
        s.put("dk.kafka.group.instance.id", name);
        s.put("dk.kafka.client.id", name);
        RoleProcess p = RoleProcess.start(name, hub, SharedKafka.bootstrapServers(), stateRoot.resolve(name),
                nextLog(name), s);
        launched.add(p);
        log("launched " + p);
        return p;
    }

    private RoleProcess startWorker(int index) {
        String name = "worker-" + (index + 1);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dk.worker.management.port", "0");
        // A worker killed with -9 holds its task-queue partitions until its session expires.
        s.put("dk.kafka.session.timeout.ms", sessionTimeoutMs);
        RoleProcess p = RoleProcess.start("worker", name, hub, SharedKafka.bootstrapServers(), null, nextLog(name), s);
        launched.add(p);
        log("launched " + p);
        return p;
    }

    private RoleProcess startGateway(int number) {
        String name = "gateway-" + number;
        int launch = launches.computeIfAbsent(name + "-dir", k -> new AtomicInteger()).incrementAndGet();
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dk.gateway.port", "0");
        s.put("dk.gateway.data.dir", stateRoot.resolve(name + "-" + launch).toString());
        s.put("dk.webhooks.deliverer", "false");
        RoleProcess p = RoleProcess.start("gateway", name, hub, SharedKafka.bootstrapServers(), null, nextLog(name), s);
        launched.add(p);
        log("launched " + p);
        return p;
    }

    /** The gateway's URL once it answers /readyz with 200. */
    private String awaitGateway(RoleProcess gateway) {
        String url = gateway.awaitRunning(START_DEADLINE);
        Conditions.await(gateway + " ready (see " + gateway.log + ")", START_DEADLINE, () -> {
            try {
                return send(HttpRequest.newBuilder(URI.create(url + "/readyz")).GET(), Duration.ofSeconds(5))
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        log(gateway.name + " ready at " + url);
        return url;
    }

    /** A log file per launch: node-1.log, node-1.2.log, ... */
    private Path nextLog(String name) {
        int n = launches.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        return logDir.resolve(n == 1 ? name + ".log" : name + "." + n + ".log");
    }

    // ------------------------------------------------------------------------------------------ failover

    /**
     * Kills a node and keeps it down until its partitions run elsewhere (probes started on them right after the
     * kill come past Pending), then restarts it on its state directory until it owns partitions again and runs them.
     */
    private void measuredFailover(NodeGroupMonitor group) {
        int victim = 0;
        Set<Integer> partitions = group.latest().partitionsOf("node-1");
        List<String> before = restoreLines();
        Instant killed = nodes[victim].kill();
        log("measured kill: SIGKILL " + nodes[victim] + ", owner of partitions " + partitions);
        Map<Integer, String> probes = startProbes("a", partitions);
        Instant moved = group.await("node-1's partitions owned by node-2 and node-3", killed, Duration.ofSeconds(90),
                s -> s.settled(PARTITIONS) && s.partitionsOf("node-1").isEmpty(), where());
        Map<Integer, Instant> resumed = awaitProbes(probes, "after the measured kill");
        String restored = newLines(before, restoreLines());
        figures.add(String.format(Locale.ROOT, "kill -9 (standby replicas %s): partitions %s reassigned after %.2f s, "
                        + "processing again after %s", standbyReplicas, partitions, secs(killed, moved),
                fromTo(killed, resumed)));
        log(figures.getLast() + "; restores on the other nodes: " + restored);

        before = restoreLines();
        nodes[victim] = startNode(victim);
        RoleProcess restartedNode = nodes[victim];
        Instant owns = group.await("restarted node-1 owns partitions again", restartedNode.startedAt,
                Duration.ofSeconds(90), s -> s.settled(PARTITIONS) && !s.partitionsOf("node-1").isEmpty(), where());
        Set<Integer> back = group.latest().partitionsOf("node-1");
        Map<Integer, Instant> ran = awaitProbes(startProbes("b", back), "after the restart");
        figures.add(String.format(Locale.ROOT, "restart after kill -9 (same state directory): owns %s %.2f s after "
                + "its launch, processing them after %s", back, secs(restartedNode.startedAt, owns),
                fromTo(restartedNode.startedAt, ran)));
        log(figures.getLast() + "; restores: " + newLines(before, restoreLines()));
    }

    /** Random kills of nodes, one at a time, on the scheduler (a load schedule, not a wait for an outcome). */
    private final class RandomKills {
        private final ScheduledExecutorService schedule;
        private final Random random;
        private final CompletableFuture<Integer> done;
        private int kills;

        RandomKills(ScheduledExecutorService schedule, Random random, CompletableFuture<Integer> done) {
            this.schedule = schedule;
            this.random = random;
            this.done = done;
        }

        void next(Duration after) {
            schedule.schedule(this::kill, after.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void kill() {
            try {
                if (kills == RANDOM_KILLS) {
                    done.complete(kills);
                    return;
                }
                int victim = random.nextInt(3);
                Instant at = nodes[victim].kill();
                kills++;
                // At once: back before its session expires (static membership keeps its partitions); later: after
                // they moved to the other nodes.
                long downMs = random.nextBoolean() ? 0 : 2_000 + random.nextInt(6_000);
                log("random kill #" + kills + ": SIGKILL " + nodes[victim] + ", restart in " + downMs + " ms");
                schedule.schedule(() -> {
                    try {
                        nodes[victim] = startNode(victim);
                        log(String.format(Locale.ROOT, "random kill #%d: node-%d relaunched %.1f s after the kill",
                                kills, victim + 1, secs(at, Instant.now())));
                        next(Duration.ofMillis(3_000 + random.nextInt(4_000)));
                    } catch (Throwable e) {
                        done.completeExceptionally(e);
                    }
                }, downMs, TimeUnit.MILLISECONDS);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }
    }

    /**
     * Starts HelloSlow, kills the worker whose SlowHello holds (it wrote its pid), lets the activity finish, and
     * restarts the worker. The task is delivered again (its offset was not committed) to a live worker.
     */
    private void killWorkerMidActivity() {
        String id = PREFIX + "slow";
        expected.put(id, Kind.SLOW);
        startWithRetry(id, Kind.SLOW, Map.of("dir", slowDir.toString(), "name", "slow"), 0);
        Path marker = awaitFile("SlowHello started by a worker", "slow.", ".started", Duration.ofSeconds(90));
        long pid = Long.parseLong(marker.getFileName().toString().split("\\.")[1]);
        int index = pid == workers[0].pid() ? 0 : pid == workers[1].pid() ? 1 : -1;
        if (index < 0) {
            throw new AssertionError("SlowHello ran in pid " + pid + ", not in a worker process: " + List.of(workers));
        }
        RoleProcess worker = workers[index];
        worker.kill();
        log("worker kill: SIGKILL " + worker + " while it ran SlowHello of " + id);
        write(slowDir.resolve("slow.release"), "");
        workers[index] = startWorker(index);
        figures.add("worker " + worker.name + " (pid " + pid + ") killed while it ran SlowHello");
    }

    /** Kills gateway-2 while start requests that wait for completion are open on it, then starts it again. */
    private void killGatewayMidRequest() {
        Conditions.await("3 requests open on gateway-2", Duration.ofSeconds(60), () -> inFlight[1].get() >= 3);
        int open = inFlight[1].get();
        gatewayUrls[1] = null;
        gateway2.kill();
        log("gateway kill: SIGKILL " + gateway2 + " with " + open + " requests open on it");
        gateway2 = startGateway(2);
        gatewayUrls[1] = awaitGateway(gateway2);
        figures.add("gateway-2 killed with " + open + " requests open");
    }

    // ------------------------------------------------------------------------------------------ client

    private static Object input(String id, Kind kind, int n) {
        return switch (kind) {
            case TIMER -> id;
            case FAN_OUT -> 10;
            case SIGNAL -> Map.of("key", counterOf(n), "times", SIGNALS_PER_ORCHESTRATION);
            default -> null;
        };
    }

    /** The counter the {@code n}th start signals when it is a SIGNAL (every MIX.length-th start is). */
    private static String counterOf(int n) {
        return "orch-" + (n / MIX.length) % ORCHESTRATION_COUNTERS;
    }

    /**
     * Starts {@code id} through gateway {@code preferred} (gateway-2's starts wait for completion, so that they are
     * open when it is killed); when the request fails, the client asks the other gateway whether the instance
     * exists and starts it there with the same ID if not.
     */
    private void startWithRetry(String id, Kind kind, Object input, int preferred) {
        String body = input == null ? "" : Json.toString(input);
        String path = API + "/orchestrators/" + kind.orchestration + "/" + id;
        String first = gatewayUrls[preferred];
        int used = first == null ? 0 : preferred;
        if (first == null) {
            first = gatewayUrls[0];
        }
        inFlight[used].incrementAndGet();
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(first + path + (used == 1 ? "?timeout=30" : "")))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"),
                    Duration.ofSeconds(120));
            if (r.statusCode() == 202 || r.statusCode() == 200) {
                return;
            }
            if (r.statusCode() != 503) {
                errors.add("start " + id + ": HTTP " + r.statusCode() + " " + r.body());
                return;
            }
        } catch (java.net.http.HttpConnectTimeoutException e) {
            // Never sent: the retry below cannot start it twice.
        } catch (java.net.http.HttpTimeoutException e) {
            // Not a failed gateway: the request may still go through, so a second start could run it twice.
            errors.add("start " + id + " through " + first + ": no answer within 120 s");
            return;
        } catch (IOException e) {
            interruptedStarts.incrementAndGet();
        } finally {
            inFlight[used].decrementAndGet();
        }
        // The first request failed: its start may or may not be in Kafka. Ask, then start if it is not.
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            String g = gatewayUrls[0];
            try {
                HttpResponse<String> s = send(HttpRequest.newBuilder(URI.create(g + API + "/instances/" + id)).GET(),
                        Duration.ofSeconds(30));
                if (s.statusCode() == 200 || s.statusCode() == 202) {
                    log("retry of " + id + ": it exists (" + parse(s.body()).path("runtimeStatus").asText() + ")");
                    return;
                }
                if (s.statusCode() == 404) {
                    restarted.add(id);
                    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(g + path))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"),
                            Duration.ofSeconds(30));
                    if (r.statusCode() == 202 || r.statusCode() == 409) {
                        log("retry of " + id + ": started again (HTTP " + r.statusCode() + ")");
                        return;
                    }
                }
            } catch (IOException e) {
                // gateway-1 unreachable for a moment: ask again
            }
            Conditions.pause();
        }
        errors.add("start " + id + ": the retry did not get through in 90 s");
    }

    private void submit(ExecutorService requests, Runnable request) {
        openRequests.incrementAndGet();
        requests.submit(() -> {
            try {
                request.run();
            } finally {
                openRequests.decrementAndGet();
            }
        });
    }

    /** One add(1) through gateway-1, never retried (a retry could apply it twice): a failure fails the test. */
    private void signal(String key) {
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(gatewayUrls[0] + API + "/entities/Counter/"
                    + key + "?op=add")).POST(HttpRequest.BodyPublishers.ofString("1"))
                    .header("Content-Type", "application/json"), Duration.ofSeconds(120));
            if (r.statusCode() == 202) {
                signalsSent.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            } else {
                errors.add("signal " + key + ": HTTP " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            errors.add("signal " + key + ": " + e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) throws IOException {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A read through gateway-1; asked again while it answers 503 (its views cannot answer consistently yet). */
    private HttpResponse<String> get(String path) {
        return get(HttpRequest.newBuilder(URI.create(gatewayUrls[0] + path)).GET());
    }

    private HttpResponse<String> get(HttpRequest.Builder request) {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            HttpResponse<String> r;
            try {
                r = send(request, Duration.ofSeconds(60));
            } catch (IOException e) {
                throw new UncheckedIOException(request.build().uri() + ": " + e, e);
            }
            if (r.statusCode() != 503 || System.nanoTime() > end) {
                return r;
            }
            Conditions.pause();
        }
    }

    /** One HelloSequence5 per partition, with an ID that lives there; returns partition to ID. */
    private Map<Integer, String> startProbes(String round, Set<Integer> partitions) {
        Map<Integer, String> probes = new TreeMap<>();
        for (int p : partitions) {
            String id = IntStream.range(0, 10_000).mapToObj(n -> PREFIX + "probe-" + round + "-p" + p + "-" + n)
                    .filter(candidate -> partitionOf(candidate) == p).findFirst().orElseThrow();
            expected.put(id, Kind.SEQUENCE);
            startWithRetry(id, Kind.SEQUENCE, null, 0);
            probes.put(p, id);
        }
        return probes;
    }

    /** Waits until each probe is past Pending (its partition has a live owner); returns when each was seen so. */
    private Map<Integer, Instant> awaitProbes(Map<Integer, String> probes, String what) {
        return PartitionProbes.awaitPastPending(probes, id -> get(API + "/instances/" + id), what, where());
    }

    /** Instance ID to runtimeStatus of the test's instances, optionally only those with the given status. */
    private Map<String, String> listStatuses(String runtimeStatus) {
        Map<String, String> out = new HashMap<>();
        String token = null;
        do {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gatewayUrls[0] + API
                    + "/instances?top=1000&instanceIdPrefix=" + PREFIX
                    + (runtimeStatus == null ? "" : "&runtimeStatus=" + runtimeStatus))).GET();
            if (token != null) {
                b.header("x-ms-continuation-token", token);
            }
            HttpResponse<String> r = get(b);
            if (r.statusCode() != 200) {
                throw new AssertionError("list instances: HTTP " + r.statusCode() + " " + r.body());
            }
            for (JsonNode s : parse(r.body())) {
                out.put(s.path("instanceId").asText(), s.path("runtimeStatus").asText());
            }
            token = r.headers().firstValue("x-ms-continuation-token").orElse(null);
        } while (token != null);
        return out;
    }

    /** Waits until none of {@code ids} is open (each exists and is Completed, Failed or Terminated); returns when. */
    private Instant awaitAllEnded(Set<String> ids, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Map<String, String> statuses = listStatuses(null);
            List<String> open = ids.stream().filter(id -> !List.of("Completed", "Failed", "Terminated")
                    .contains(statuses.getOrDefault(id, "missing"))).toList();
            if (open.isEmpty()) {
                return Instant.now();
            }
            if (System.nanoTime() > end) {
                StringBuilder b = new StringBuilder("Instances that did not end within " + deadline + ":\n");
                open.forEach(id -> b.append(id).append(" (partition ").append(partitionOf(id)).append("): ")
                        .append(get(API + "/instances/" + id + "?showHistory=true").body()).append('\n'));
                write(logDir.resolve("failures.log"), b.toString());
                fail(open.size() + " of " + ids.size() + " instances did not end within " + deadline + " (lost?), e.g. "
                        + open.stream().limit(5).map(id -> id + " " + statuses.getOrDefault(id, "missing")).toList()
                        + "; details in " + logDir.resolve("failures.log") + ", timeline and process logs in " + logDir);
            }
            Conditions.pause();
        }
    }

    // ------------------------------------------------------------------------------------------ verification

    /** Every counter holds exactly the signals accepted for it: none lost, none applied twice. */
    private void verifyCounters() {
        Map<String, Integer> totals = new TreeMap<>();
        signalsSent.forEach((key, n) -> totals.put(key, n.get()));
        long perOrchestrationCounter = expected.values().stream().filter(k -> k == Kind.SIGNAL).count();
        runs = runsOfRestarted();
        expected.entrySet().stream().filter(e -> e.getValue() == Kind.SIGNAL)
                .forEach(e -> totals.merge(counterOf(Integer.parseInt(e.getKey().substring(PREFIX.length(),
                        PREFIX.length() + 5))), SIGNALS_PER_ORCHESTRATION * runs.getOrDefault(e.getKey(), 1), Integer::sum));
        Map<String, Integer> actual = new TreeMap<>();
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (Map.Entry<String, Integer> t : totals.entrySet()) {
            while (true) {
                HttpResponse<String> r = get(API + "/entities/Counter/" + t.getKey());
                int value = r.statusCode() == 200 ? parse(r.body()).asInt() : 0;
                actual.put(t.getKey(), value);
                if (value >= t.getValue() || System.nanoTime() > end) {
                    break;
                }
                Conditions.pause();
            }
        }
        String result = totals.keySet().stream().map(k -> k + " " + actual.get(k) + "/" + totals.get(k))
                .collect(Collectors.joining(", "));
        log("counters (value/signals sent): " + result + " (" + perOrchestrationCounter + " SignalCounter instances)");
        figures.add("counters (value/signals sent): " + result);
        if (!actual.equals(totals)) {
            fail("counters do not hold the signals sent to them (value/sent; more: a signal applied twice, less: one "
                    + "lost): " + result + "; see " + where());
        }
    }

    /**
     * How many times each instance the test started again ran. A start whose request the gateway kill cut off may
     * have reached Kafka without the instance being visible yet; the retry then starts it a second time. The node
     * refuses (dead-letters) that second start while the first run is active, but replaces an instance that has
     * completed, as Durable Functions does: it runs again (a SignalCounter instance then signals its counter again).
     * Runs = its starts on the orchestrations topic less its dead-lettered starts.
     */
    private Map<String, Integer> runsOfRestarted() {
        Map<String, Integer> runs = new HashMap<>();
        if (restarted.isEmpty()) {
            return runs;
        }
        for (var r : TopicRecords.readAll(topics.orchestrations())) {
            String key = keyOf(r);
            if (restarted.contains(key) && isStart(r)) {
                runs.merge(key, 1, Integer::sum);
            }
        }
        for (var r : TopicRecords.readAll(topics.deadLetter())) {
            String key = keyOf(r);
            if (runs.containsKey(key) && isStart(r)) {
                runs.merge(key, -1, Integer::sum);
            }
        }
        runs.forEach((id, n) -> {
            if (n > 1) {
                log("retry of " + id + ": its first start had reached Kafka and completed before the second one, "
                        + "which replaced it: " + n + " runs");
            }
        });
        return runs;
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    /** Whether the record is a {@code StartOrchestration}, read with the message model (a dead letter may not parse). */
    private static boolean isStart(ConsumerRecord<byte[], byte[]> r) {
        try {
            return r.value() != null && Json.fromBytes(r.value(), OrchestrationMessage.class) instanceof StartOrchestration;
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** Status, output and stored history of every instance; dead letters. */
    private void verifyInstances() throws Exception {
        StoredHistory stored = StoredHistory.read(topics.nodeStateChangelog());
        Map<String, List<String>> problems = new ConcurrentSkipListMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (Map.Entry<String, Kind> e : expected.entrySet()) {
                pool.submit(() -> {
                    List<String> p = verify(e.getKey(), e.getValue(), stored);
                    if (!p.isEmpty()) {
                        problems.put(e.getKey(), p);
                    }
                });
            }
        }
        List<String> slowRuns;
        try (var files = Files.list(slowDir)) {
            slowRuns = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".started")).sorted().toList();
        }
        if (slowRuns.size() < 2) {
            problems.put(PREFIX + "slow", List.of("SlowHello ran only as " + slowRuns + ": never again after its "
                    + "worker was killed, yet the instance completed?"));
        }
        List<String> deadLetters = TopicRecords.describe(TopicRecords.readAll(topics.deadLetter()));
        List<String> unexpectedDeadLetters = deadLetters.stream()
                .filter(d -> !restarted.contains(d.substring(0, d.indexOf(' ')))).toList();
        figures.add(String.format(Locale.ROOT, "%d instances checked (%d started by the test), %d start requests "
                        + "interrupted by the gateway kill and retried (%d started again), %d dead letters of second "
                        + "starts; SlowHello runs: %s", expected.size(),
                expected.values().stream().filter(k -> k != Kind.CHILD).count(), interruptedStarts.get(),
                restarted.size(), deadLetters.size() - unexpectedDeadLetters.size(), slowRuns));
        log(figures.getLast());
        if (!problems.isEmpty() || !unexpectedDeadLetters.isEmpty()) {
            Path report = logDir.resolve("failures.log");
            StringBuilder b = new StringBuilder(problems.size() + " instances with problems\n\n");
            problems.forEach((id, p) -> {
                b.append("== ").append(id).append(" (partition ").append(partitionOf(id)).append(")\n");
                p.forEach(line -> b.append("  ").append(line).append('\n'));
                b.append("  HTTP: ").append(get(API + "/instances/" + id + "?showHistory=true&showHistoryOutput=true")
                        .body()).append('\n');
                stored.records(id).forEach(r -> b.append("  stored: ").append(r).append('\n'));
            });
            b.append(unexpectedDeadLetters.size()).append(" unexpected dead letters\n");
            unexpectedDeadLetters.forEach(d -> b.append("  ").append(d).append('\n'));
            write(report, b.toString());
            fail(problems.size() + " of " + expected.size() + " instances are wrong (lost, duplicated or wrong) and "
                    + unexpectedDeadLetters.size() + " records were dead-lettered, e.g. " + problems.entrySet().stream()
                    .limit(3).map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "))
                    + unexpectedDeadLetters.stream().limit(2).toList() + "; details in " + report
                    + ", timeline and process logs in " + logDir);
        }
        assertTrue(interruptedStarts.get() > 0, "the gateway kill interrupted no start request: the test did not test "
                + "what it should; see " + where());
    }

    private List<String> verify(String id, Kind kind, StoredHistory stored) {
        List<String> problems = new ArrayList<>();
        HttpResponse<String> r = get(API + "/instances/" + id);
        JsonNode s = parse(r.body());
        if (r.statusCode() != 200 || !"Completed".equals(s.path("runtimeStatus").asText())) {
            problems.add("HTTP " + r.statusCode() + ", runtimeStatus " + s.path("runtimeStatus").asText());
        }
        JsonNode output = expectedOutput(id, kind);
        if (!output.equals(s.path("output"))) {
            problems.add("output " + s.path("output") + " instead of " + output);
        }
        List<String> storedProblems = new ArrayList<>(stored.check(id, expectedEvents(kind)));
        if (runs.getOrDefault(id, 1) > 1) {
            // Replaced by its second start: the new execution writes the instance's history chunks anew.
            storedProblems.removeIf(p -> p.startsWith("stored history: key written twice"));
        }
        problems.addAll(storedProblems);
        List<JsonNode> created = StoredHistory.byType(stored.events(id)).getOrDefault("SubOrchestrationInstanceCreated", List.of());
        if (kind == Kind.SUB_ORCHESTRATION && !created.isEmpty()
                && !(id + "-child").equals(created.getFirst().path("instanceId").asText())) {
            problems.add("stored history: sub-orchestration " + created);
        }
        return problems;
    }

    private static JsonNode expectedOutput(String id, Kind kind) {
        return json(switch (kind) {
            case SEQUENCE -> CITIES5.stream().map(c -> "Hello " + c + "!").toList();
            case TIMER -> List.of("Hello " + id + "-1!", "Hello " + id + "-2!");
            case SUB_ORCHESTRATION, CHILD -> CITIES3.stream().map(c -> "Hello " + c + "!").toList();
            case FAN_OUT -> 385;
            case SIGNAL -> SIGNALS_PER_ORCHESTRATION;
            case SLOW -> "Hello slow!";
        });
    }

    /** The events a completed instance of {@code kind} has, by type: one per step. */
    private static Map<String, Integer> expectedEvents(Kind kind) {
        Map<String, Integer> want = new TreeMap<>(Map.of("ExecutionStarted", 1, "ExecutionCompleted", 1));
        if (kind.activities() > 0) {
            want.put("TaskScheduled", kind.activities());
            want.put("TaskCompleted", kind.activities());
        }
        switch (kind) {
            case TIMER -> {
                want.put("TimerCreated", 1);
                want.put("TimerFired", 1);
            }
            case SUB_ORCHESTRATION -> {
                want.put("SubOrchestrationInstanceCreated", 1);
                want.put("SubOrchestrationInstanceCompleted", 1);
            }
            case SIGNAL -> want.put("EntityOperationSignaled", SIGNALS_PER_ORCHESTRATION);
            default -> {
            }
        }
        return want;
    }

    // ------------------------------------------------------------------------------------------ helpers

    static int partitionOf(String instanceId) {
        return Partitions.forKey(instanceId, PARTITIONS);
    }

    /** Kafka Streams' "Finished restoring ..." lines of every node log so far. */
    private List<String> restoreLines() {
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(logDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("node-")).sorted().toList()) {
                Files.readAllLines(f).stream().filter(l -> l.contains("Finished restoring"))
                        .forEach(l -> lines.add(f.getFileName() + ": " + l));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static String newLines(List<String> before, List<String> after) {
        List<String> added = new ArrayList<>(after);
        added.removeAll(before);
        return added.isEmpty() ? "none" : "\n    " + String.join("\n    ", added);
    }

    private Path awaitFile(String what, String prefix, String suffix, Duration deadline) {
        Path[] found = new Path[1];
        Conditions.await(what + " (a " + prefix + "*" + suffix + " file in " + slowDir + ")", deadline, () -> {
            try (var files = Files.list(slowDir)) {
                found[0] = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                        && f.getFileName().toString().endsWith(suffix)).findFirst().orElse(null);
                return found[0] != null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return found[0];
    }

    private static void join(CompletableFuture<?> f, String what) throws Exception {
        try {
            f.get(180, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    private synchronized void log(String message) {
        String line = String.format(Locale.ROOT, "%8.3f  %s  %s", secs(began, Instant.now()), Instant.now(), message);
        timelineFile.println(line);
        System.out.println("ChaosTest " + line);
    }

    private String where() {
        return logDir.resolve("timeline.log") + " and the process logs next to it";
    }

    private static JsonNode json(Object value) {
        return parse(Json.toString(value));
    }

    private static JsonNode parse(String body) {
        return Json.fromBytes(body.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

}
