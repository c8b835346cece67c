package io.durablekafka.deploy;

import static io.durablekafka.deploy.Elapsed.fromTo;
import static io.durablekafka.deploy.Elapsed.secs;
import static io.durablekafka.deploy.TestFiles.resetDirectory;
import static io.durablekafka.deploy.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.views.Partitions;
import io.durablekafka.kafka.SharedKafka;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGKILL of an orchestrator node process under load. Two nodes run as child JVMs ({@code Main node}, as an
 * operator starts them) on a fresh hub with 4 partitions, with the shared broker, and an activity worker and a
 * gateway in this JVM. While 300 orchestrations run (activity sequences, activity-timer-activity,
 * sub-orchestrations, fan-out/fan-in), node-1 is killed with SIGKILL, restarted, killed again and restarted again:
 * <ol>
 *   <li>kill #1: node-1 runs with a short session timeout (6 s, the broker's minimum), as a node deployed for
 *       fast failover to the others; it stays dead until node-2 has taken over its partitions and they make
 *       progress again;</li>
 *   <li>restart #1 with a <b>fresh state directory</b> (a replaced machine: new Kafka Streams process ID, every
 *       store restored from its changelog), now with Kafka's default session timeout (45 s), as a node deployed to
 *       be restarted in place; the test waits until node-1 owns partitions again and runs them;</li>
 *   <li>kill #2, and restart #2 at once with the <b>same state directory</b> (a crashed process restarted in
 *       place: same process ID and so the same transactional ID, whose first use aborts the dead process's open
 *       transaction at once; same {@code group.instance.id}, so it takes its partitions back without a
 *       rebalance as it comes back within the session timeout).</li>
 * </ol>
 * Then every instance must have completed with the right output and exactly one history event per step: checked
 * through the HTTP API ({@code showHistory=true&showHistoryOutput=true}) and, while the hub has the
 * {@code history} topic of the public contract, on that topic too (task IDs and TaskScheduled events, which the
 * HTTP rendering merges away). Nothing may be dead-lettered.
 * <p>
 * Which node owns which partition, and when that changes, comes from the node group's description (Admin API);
 * when a partition resumes comes from probe instances started right after each kill on the victim's partitions:
 * the first time the HTTP API shows a probe past Pending, its partition has a live owner that processes it and
 * whose output clients can read. Everything goes to {@code target/kill-test-logs/}: {@code timeline.log} (this
 * test), one log per node process, and {@code failures.log} with the details of what went wrong.
 */
// A guard against a hang only: every wait inside has its own deadline.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NodeKillTest {

    private static final int PARTITIONS = 4;
    private static final int BATCH = 75;
    private static final String PREFIX = "kill-";
    private static final List<String> CITIES5 = List.of("Tokyo", "Seattle", "London", "Paris", "Cairo");
    private static final List<String> CITIES3 = CITIES5.subList(0, 3);

    /** What the test starts, what each kind must output and how many activities it runs. */
    enum Kind {
        SEQUENCE("HelloSequence5", "seq", 5),
        TIMER("HelloTimerHello", "timer", 2),
        SUB_ORCHESTRATION("HelloCitiesParent", "sub", 0),
        FAN_OUT("FanOutFanIn", "fan", 10),
        /** The child of a SUB_ORCHESTRATION, started by it. */
        CHILD("HelloCities", "child", 3);

        final String orchestration;
        final String tag;
        final int activities;

        Kind(String orchestration, String tag, int activities) {
            this.orchestration = orchestration;
            this.tag = tag;
            this.activities = activities;
        }
    }

    private static final Kind[] MIX = {Kind.SEQUENCE, Kind.SEQUENCE, Kind.TIMER, Kind.TIMER, Kind.SUB_ORCHESTRATION, Kind.FAN_OUT};

    private final Path moduleDir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private final Path logDir = moduleDir.resolve("target/kill-test-logs");
    private final Path stateRoot = moduleDir.resolve("target/kill-test-state");
    private final List<RoleProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private Timeline timeline;
    private TestCluster cluster;

    /**
     * Session timeout of a node deployed for fast failover to the other nodes: a SIGKILLed member keeps its
     * partitions until its session expires, and 6 s is the broker's minimum ({@code group.min.session.timeout.ms}).
     */
    private static final int SHORT_SESSION_MS = 6_000;
    /**
     * Session timeout of a node deployed to be restarted in place: Kafka's default, long enough for a restarted
     * process (same {@code group.instance.id}) to come back and take its partitions back without a rebalance.
     */
    private static final int DEFAULT_SESSION_MS = 45_000;

    /**
     * The node processes' settings. {@code dk.kafka.*} go to every Kafka client of the process; Kafka Streams passes
     * the consumer ones to its main consumer.
     */
    private static Map<String, String> nodeSettings(String name, int sessionTimeoutMs) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dk.partitions", String.valueOf(PARTITIONS));
        s.put("dk.kafka.session.timeout.ms", String.valueOf(sessionTimeoutMs));
        s.put("dk.kafka.heartbeat.interval.ms", String.valueOf(Math.min(3_000, sessionTimeoutMs / 6)));
        // Static membership: a node restarted within its session timeout takes its partitions back without a
        // rebalance. Also how this test tells the members apart (as client.id, which prefixes Streams' client IDs).
        s.put("dk.kafka.group.instance.id", name);
        s.put("dk.kafka.client.id", name);
        // Any node counts as caught up, so a restarted node gets its share of the partitions at the next
        // rebalance (and restores them), instead of warming up replicas first and getting partitions at a probing
        // rebalance (every 10 minutes) once it has caught up.
        s.put("dk.kafka.acceptable.recovery.lag", String.valueOf(Long.MAX_VALUE));
        return s;
    }

    @Test
    void twoNodeProcessesLoseAndDuplicateNothingWhenOneIsKilledTwice() throws Exception {
        Instant began = Instant.now();
        resetDirectory(logDir);
        resetDirectory(stateRoot);
        try (Timeline t = new Timeline(logDir.resolve("timeline.log"));
             TestCluster c = new TestCluster("NodeKill", TestFunctions.registry(), 2000, false);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()));
             NodeGroupMonitor group = new NodeGroupMonitor(admin, c.topics.nodeApplicationId(), c.topics.orchestrations(), t::log);
             Starter starter = new Starter(c)) {
            timeline = t;
            cluster = c;
            try {
                run(admin, group, starter, began);
            } finally {
                processes.forEach(RoleProcess::destroy);
            }
        }
        // Kept when the test fails, for a look at the stores.
        resetDirectory(stateRoot);
    }

    private void run(Admin admin, NodeGroupMonitor group, Starter starter, Instant began) {
        timeline.log("hub " + cluster.hub + " (" + PARTITIONS + " partitions), gateway " + cluster.baseUrl()
                + ", node group " + cluster.topics.nodeApplicationId() + "; logs in " + logDir);
        Duration setup = Duration.between(began, Instant.now());

        // ------------------------------------------------------------------ two nodes
        RoleProcess node1 = startNode("node-1", "node-1", "node-1.log", SHORT_SESSION_MS);
        RoleProcess node2 = startNode("node-2", "node-2", "node-2.log", SHORT_SESSION_MS);
        Instant bothRunning = group.await("both nodes own two partitions each", node1.startedAt, Duration.ofSeconds(90),
                s -> s.settled(PARTITIONS) && s.partitionsOf("node-1").size() == 2 && s.partitionsOf("node-2").size() == 2,
                where());
        timeline.log(String.format(Locale.ROOT, "both nodes run %.1f s after their launch", secs(node1.startedAt, bothRunning)));

        // ------------------------------------------------------------------ kill #1; node-2 takes over
        starter.startBatch("a");
        Set<Integer> victim1 = group.latest().partitionsOf("node-1");
        List<String> running1 = awaitRunningOn(victim1, 10, "node-1 before kill #1");
        Instant k1 = node1.kill();
        timeline.log("kill #1: SIGKILL " + node1 + ", owner of partitions " + victim1 + " with "
                + running1.size() + " instances Running on them (HTTP, just before)");
        Map<Integer, String> probes1 = starter.startProbes(1, victim1);
        starter.startBatch("b");
        Instant moved1 = group.await("node-2 owns all partitions after kill #1", k1, Duration.ofSeconds(60),
                s -> s.settled(PARTITIONS) && s.partitionsOf("node-2").size() == PARTITIONS, where());
        timeline.log(String.format(Locale.ROOT, "kill #1: node-2 owns %s %.2f s after the kill",
                victim1, secs(k1, moved1)));
        Map<Integer, Instant> resumed1 = awaitProbes(probes1, "kill #1");
        logResumed("kill #1", k1, resumed1);

        // ------------------------------------------------------------------ restart #1 (fresh state directory)
        RoleProcess node1b = startNode("node-1", "node-1-replaced", "node-1-restart1.log", DEFAULT_SESSION_MS);
        Instant rejoined = group.await("restarted node-1 owns partitions again", node1b.startedAt, Duration.ofSeconds(90),
                s -> s.settled(PARTITIONS) && !s.partitionsOf("node-1").isEmpty() && !s.partitionsOf("node-2").isEmpty(),
                where());
        Set<Integer> victim2 = group.latest().partitionsOf("node-1");
        timeline.log(String.format(Locale.ROOT, "restart #1 (fresh state directory): node-1 owns %s %.2f s after its launch",
                victim2, secs(node1b.startedAt, rejoined)));
        Map<Integer, String> probes2 = starter.startProbes(2, victim2);
        Map<Integer, Instant> resumed2 = awaitProbes(probes2, "restart #1");
        logResumed("restart #1 (from the launch)", node1b.startedAt, resumed2);

        // ------------------------------------------------------------------ kill #2, restart #2 at once (same state)
        starter.startBatch("c");
        List<String> running2 = awaitRunningOn(victim2, 10, "node-1 before kill #2");
        String deadMember = group.latest().memberOf("node-1").orElseThrow().memberId();
        Instant k2 = node1b.kill();
        timeline.log("kill #2: SIGKILL " + node1b + ", owner of partitions " + victim2 + " with "
                + running2.size() + " instances Running on them (HTTP, just before)");
        RoleProcess node1c = startNode("node-1", "node-1-replaced", "node-1-restart2.log", DEFAULT_SESSION_MS);
        Map<Integer, String> probes3 = starter.startProbes(3, victim2);
        starter.startBatch("d");
        Instant reclaimed = group.await("node-1 owns partitions again after kill #2 and restart #2", k2,
                Duration.ofSeconds(90), s -> s.settled(PARTITIONS) && s.memberOf("node-1")
                        .map(m -> !m.memberId().equals(deadMember) && !m.partitions().isEmpty()).orElse(false), where());
        boolean expired2 = group.seenBetween(k2, reclaimed, s -> s.partitionsOf("node-2").size() == PARTITIONS);
        timeline.log(String.format(Locale.ROOT, "kill #2: restarted node-1 owns %s %.2f s after the kill (%.2f s after "
                        + "its launch), %s", group.latest().partitionsOf("node-1"), secs(k2, reclaimed),
                secs(node1c.startedAt, reclaimed), expired2
                        ? "after its old session expired and node-2 had taken over everything"
                        : "by static membership (node-2 never owned its partitions)"));
        Map<Integer, Instant> resumed3 = awaitProbes(probes3, "kill #2");
        logResumed("kill #2", k2, resumed3);

        // ------------------------------------------------------------------ every instance ends
        starter.awaitStarted(Duration.ofSeconds(60));
        Map<String, Kind> expected = new TreeMap<>(starter.expected);
        starter.expected.forEach((id, kind) -> {
            if (kind == Kind.SUB_ORCHESTRATION) {
                expected.put(id + "-child", Kind.CHILD);
            }
        });
        timeline.log(expected.size() + " instances started (" + starter.expected.size() + " by the test, "
                + (expected.size() - starter.expected.size()) + " sub-orchestrations); waiting until every one ends");
        Instant allEnded = awaitAllEnded(expected.keySet(), Duration.ofSeconds(120));
        timeline.log(String.format(Locale.ROOT, "every instance ended %.1f s after restart #2", secs(node1c.startedAt, allEnded)));
        assertTrue(node2.isAlive(), "node-2 died; see " + node2.log);
        assertTrue(node1c.isAlive(), "node-1 died after restart #2; see " + node1c.log);

        // ------------------------------------------------------------------ verification
        Map<String, List<String>> problems = new TreeMap<>();
        Map<String, List<JsonNode>> rendered = new HashMap<>();
        StoredHistory raw = StoredHistory.read(cluster.topics.nodeStateChangelog());
        for (Map.Entry<String, Kind> e : expected.entrySet()) {
            List<String> p = verify(e.getKey(), e.getValue(), raw, rendered);
            if (!p.isEmpty()) {
                problems.put(e.getKey(), p);
            }
        }
        List<String> deadLetters = readDeadLetters(admin);
        int interrupted1 = interrupted(rendered, victim1, k1);
        int interrupted2 = interrupted(rendered, victim2, k2);

        Duration total = Duration.between(began, Instant.now());
        timeline.log(String.format(Locale.ROOT, """
                        summary
                          instances: %d (%d started by the test: %d HelloSequence5, %d HelloTimerHello, %d HelloCitiesParent, \
                        %d FanOutFanIn; %d children), checked over HTTP%s
                          kill #1 interrupted %d instances (history events before and after it) on partitions %s; \
                        node-2 owned them after %.2f s; probes resumed after %s
                          restart #1 (fresh state dir): node-1 owned %s after %.2f s from launch; probes ran after %s
                          kill #2 interrupted %d instances on %s; restart #2 (same state dir) owned them %.2f s after the kill (%s); \
                        probes resumed after %s
                          problems: %d instances, %d dead letters
                          setup %.1f s, whole test %.1f s""",
                expected.size(), starter.expected.size(), count(starter.expected, Kind.SEQUENCE),
                count(starter.expected, Kind.TIMER), count(starter.expected, Kind.SUB_ORCHESTRATION),
                count(starter.expected, Kind.FAN_OUT), expected.size() - starter.expected.size(),
                " and in the nodes' stored history (state changelog)",
                interrupted1, victim1, secs(k1, moved1), fromTo(k1, resumed1),
                victim2, secs(node1b.startedAt, rejoined), fromTo(node1b.startedAt, resumed2),
                interrupted2, victim2, secs(k2, reclaimed), expired2 ? "session expired first" : "static membership",
                fromTo(k2, resumed3), problems.size(), deadLetters.size(),
                secs(setup), secs(total)));

        if (!problems.isEmpty() || !deadLetters.isEmpty()) {
            Path report = logDir.resolve("failures.log");
            writeFailures(report, problems, deadLetters, raw);
            fail(problems.size() + " of " + expected.size() + " instances are wrong and " + deadLetters.size()
                    + " records were dead-lettered, e.g. " + problems.entrySet().stream().limit(3)
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "))
                    + "; details in " + report + ", timeline and node logs in " + logDir);
        }
        assertTrue(interrupted1 > 0 && interrupted2 > 0, "a kill interrupted no instance (" + interrupted1 + ", "
                + interrupted2 + "): the test did not test what it should; see " + where());
    }

    // ------------------------------------------------------------------------------------------ node processes

    private RoleProcess startNode(String name, String stateDirName, String logName, int sessionTimeoutMs) {
        RoleProcess p = RoleProcess.start(name, cluster.hub, SharedKafka.bootstrapServers(), stateRoot.resolve(stateDirName),
                logDir.resolve(logName), nodeSettings(name, sessionTimeoutMs));
        processes.add(p);
        timeline.log("launched " + p + " with session.timeout.ms " + sessionTimeoutMs);
        return p;
    }

    // ------------------------------------------------------------------------------------------ starts

    /** Starts orchestrations over HTTP, batches in the background (8 at a time), probes at once. */
    private static final class Starter implements AutoCloseable {

        final Map<String, Kind> expected = new ConcurrentSkipListMap<>();
        private final TestCluster cluster;
        private final ExecutorService pool = Executors.newFixedThreadPool(8);
        private final List<Future<?>> starts = Collections.synchronizedList(new ArrayList<>());

        Starter(TestCluster cluster) {
            this.cluster = cluster;
        }

        void startBatch(String batch) {
            for (int i = 0; i < BATCH; i++) {
                Kind kind = MIX[i % MIX.length];
                String id = PREFIX + batch + "-" + String.format(Locale.ROOT, "%03d", i) + "-" + kind.tag;
                expected.put(id, kind);
                starts.add(pool.submit(() -> start(id, kind)));
            }
        }

        /** One HelloSequence5 per partition, with an ID that lives there; returns partition to ID. */
        Map<Integer, String> startProbes(int round, Set<Integer> partitions) {
            Map<Integer, String> probes = new TreeMap<>();
            for (int p : partitions) {
                String id = IntStream.range(0, 10_000).mapToObj(n -> PREFIX + "probe" + round + "-p" + p + "-" + n)
                        .filter(candidate -> partitionOf(candidate) == p).findFirst().orElseThrow();
                expected.put(id, Kind.SEQUENCE);
                start(id, Kind.SEQUENCE);
                probes.put(p, id);
            }
            return probes;
        }

        private void start(String id, Kind kind) {
            Object input = switch (kind) {
                case TIMER -> id;
                case FAN_OUT -> 10;
                default -> null;
            };
            HttpResponse<String> r = cluster.post("/runtime/webhooks/durabletask/orchestrators/" + kind.orchestration
                    + "/" + id, input == null ? "" : Json.toString(input));
            if (r.statusCode() != 202) {
                throw new AssertionError("start " + kind.orchestration + " " + id + ": HTTP " + r.statusCode() + " " + r.body());
            }
        }

        void awaitStarted(Duration deadline) {
            long end = System.nanoTime() + deadline.toNanos();
            for (Future<?> f : List.copyOf(starts)) {
                try {
                    f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    throw new AssertionError("a start failed: " + e, e);
                }
            }
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    static int partitionOf(String instanceId) {
        return Partitions.forKey(instanceId, PARTITIONS);
    }

    // ------------------------------------------------------------------------------------------ HTTP

    private HttpResponse<String> getStatus(String id, boolean history) {
        return cluster.get("/runtime/webhooks/durabletask/instances/" + id
                + (history ? "?showHistory=true&showHistoryOutput=true" : ""));
    }

    /** Instance ID to runtimeStatus of the test's instances, optionally only those with the given statuses. */
    private Map<String, String> listStatuses(String runtimeStatusFilter) {
        Map<String, String> out = new HashMap<>();
        String token = null;
        do {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.baseUrl()
                    + "/runtime/webhooks/durabletask/instances?top=1000&instanceIdPrefix=" + PREFIX
                    + (runtimeStatusFilter == null ? "" : "&runtimeStatus=" + runtimeStatusFilter))).GET();
            if (token != null) {
                b.header("x-ms-continuation-token", token);
            }
            HttpResponse<String> r = cluster.send(b.build());
            assertEquals(200, r.statusCode(), () -> "list instances: " + r.body());
            for (JsonNode s : parse(r.body())) {
                out.put(s.path("instanceId").asText(), s.path("runtimeStatus").asText());
            }
            token = r.headers().firstValue("x-ms-continuation-token").orElse(null);
        } while (token != null);
        return out;
    }

    /** Waits until at least {@code n} of the test's instances on {@code partitions} are Running; returns them. */
    private List<String> awaitRunningOn(Set<Integer> partitions, int n, String what) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> running;
        while ((running = listStatuses("Running").keySet().stream().filter(id -> partitions.contains(partitionOf(id)))
                .sorted().toList()).size() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 60 s: " + n + " instances Running on partitions " + partitions
                        + " (" + what + "), only " + running + "; see " + where());
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // polling interval
        }
        return running;
    }

    /** Waits until each probe is past Pending (its partition has a live owner); returns when each was seen so. */
    private Map<Integer, Instant> awaitProbes(Map<Integer, String> probes, String what) {
        return PartitionProbes.awaitPastPending(probes, id -> getStatus(id, false), what, where());
    }

    /** Waits until none of {@code ids} is Pending, Running or Suspended (and each exists); returns when. */
    private Instant awaitAllEnded(Set<String> ids, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Map<String, String> statuses = listStatuses(null);
            // An ID missing from the list (a child not started yet) is open too.
            List<String> open = ids.stream().filter(id -> !List.of("Completed", "Failed", "Terminated", "Canceled")
                    .contains(statuses.getOrDefault(id, "missing"))).toList();
            if (open.isEmpty()) {
                return Instant.now();
            }
            if (System.nanoTime() > end) {
                Path report = logDir.resolve("failures.log");
                StringBuilder b = new StringBuilder("Instances that did not end within " + deadline + ":\n");
                for (String id : open) {
                    HttpResponse<String> r = getStatus(id, true);
                    b.append(id).append(" (partition ").append(partitionOf(id)).append("): HTTP ").append(r.statusCode())
                            .append(' ').append(r.body()).append('\n');
                }
                write(report, b.toString());
                fail(open.size() + " of " + ids.size() + " instances did not end within " + deadline + ", e.g. "
                        + open.stream().limit(5).map(id -> id + " " + statuses.get(id)).toList() + "; details in "
                        + report + ", timeline and node logs in " + logDir);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polling interval
        }
    }

    // ------------------------------------------------------------------------------------------ verification

    /** What the instance must have: status, output and history, over HTTP and (if there is one) on the history topic. */
    private List<String> verify(String id, Kind kind, StoredHistory raw, Map<String, List<JsonNode>> rendered) {
        List<String> problems = new ArrayList<>();
        JsonNode output = expectedOutput(id, kind);
        HttpResponse<String> r = getStatus(id, true);
        if (r.statusCode() != 200) {
            problems.add("HTTP " + r.statusCode());
        }
        JsonNode s = parse(r.body());
        if (!"Completed".equals(s.path("runtimeStatus").asText())) {
            problems.add("runtimeStatus " + s.path("runtimeStatus").asText());
        }
        if (!output.equals(s.path("output"))) {
            problems.add("output " + s.path("output") + " instead of " + output);
        }

        // Over HTTP a TaskScheduled is merged into its TaskCompleted (FunctionName, ScheduledTime), as Azure does.
        List<JsonNode> events = new ArrayList<>();
        s.path("historyEvents").forEach(events::add);
        rendered.put(id, events);
        List<String> types = events.stream().map(e -> e.path("EventType").asText()).toList();
        List<String> expectedTypes = new ArrayList<>();
        expectedTypes.add("ExecutionStarted");
        switch (kind) {
            case TIMER -> expectedTypes.addAll(List.of("TaskCompleted", "TimerCreated", "TimerFired", "TaskCompleted"));
            case SUB_ORCHESTRATION -> expectedTypes.add("SubOrchestrationInstanceCompleted");
            default -> expectedTypes.addAll(Collections.nCopies(kind.activities, "TaskCompleted"));
        }
        expectedTypes.add("ExecutionCompleted");
        if (!types.equals(expectedTypes)) {
            problems.add("history (HTTP) " + types + " instead of " + expectedTypes);
        }
        List<JsonNode> results = new ArrayList<>();
        for (JsonNode e : events) {
            switch (e.path("EventType").asText()) {
                case "ExecutionStarted" -> {
                    if (!kind.orchestration.equals(e.path("FunctionName").asText())) {
                        problems.add("ExecutionStarted of " + e.path("FunctionName"));
                    }
                }
                case "TaskCompleted" -> {
                    String activity = kind == Kind.FAN_OUT ? "Square" : "SayHello";
                    if (!activity.equals(e.path("FunctionName").asText()) || e.path("ScheduledTime").isMissingNode()) {
                        problems.add("TaskCompleted without its TaskScheduled: " + e);
                    }
                    results.add(e.path("Result"));
                }
                case "SubOrchestrationInstanceCompleted" -> {
                    if (!"HelloCities".equals(e.path("FunctionName").asText())
                            || !expectedOutput(id, Kind.CHILD).equals(e.path("Result"))) {
                        problems.add("SubOrchestrationInstanceCompleted " + e);
                    }
                }
                case "ExecutionCompleted" -> {
                    if (!"Completed".equals(e.path("OrchestrationStatus").asText()) || !output.equals(e.path("Result"))) {
                        problems.add("ExecutionCompleted " + e);
                    }
                }
                default -> {
                }
            }
        }
        List<JsonNode> expectedResults = expectedActivityResults(id, kind);
        List<JsonNode> actualResults = kind == Kind.FAN_OUT
                ? results.stream().sorted(Comparator.comparingLong(JsonNode::asLong)).toList() : results;
        if (!actualResults.equals(expectedResults)) {
            problems.add("activity results (HTTP) " + actualResults + " instead of " + expectedResults);
        }

        if (raw != null) {
            problems.addAll(checkStored(raw, id, kind));
        }
        return problems;
    }

    private static JsonNode expectedOutput(String id, Kind kind) {
        return switch (kind) {
            case SEQUENCE -> json(CITIES5.stream().map(c -> "Hello " + c + "!").toList());
            case TIMER -> json(List.of("Hello " + id + "-1!", "Hello " + id + "-2!"));
            case SUB_ORCHESTRATION, CHILD -> json(CITIES3.stream().map(c -> "Hello " + c + "!").toList());
            case FAN_OUT -> json(385);
        };
    }

    private static List<JsonNode> expectedActivityResults(String id, Kind kind) {
        return switch (kind) {
            case FAN_OUT -> IntStream.rangeClosed(1, 10).mapToObj(i -> json(i * i)).toList();
            case SUB_ORCHESTRATION -> List.of();
            default -> {
                List<JsonNode> list = new ArrayList<>();
                expectedOutput(id, kind).forEach(list::add);
                yield list;
            }
        };
    }

    /** The activity inputs an instance schedules, in order (FAN_OUT: in any order). */
    private static List<JsonNode> expectedActivityInputs(String id, Kind kind) {
        return switch (kind) {
            case SEQUENCE -> CITIES5.stream().map(NodeKillTest::json).toList();
            case CHILD -> CITIES3.stream().map(NodeKillTest::json).toList();
            case TIMER -> List.of(json(id + "-1"), json(id + "-2"));
            case FAN_OUT -> IntStream.rangeClosed(1, 10).mapToObj(NodeKillTest::json).toList();
            case SUB_ORCHESTRATION -> List.of();
        };
    }

    /**
     * The stored history's own checks ({@link StoredHistory#check}: one event per step) and this test's: the activity
     * inputs in order, the timer and the sub-orchestration that fired and completed are the ones created.
     */
    private static List<String> checkStored(StoredHistory stored, String id, Kind kind) {
        Map<String, Integer> want = new TreeMap<>(Map.of("ExecutionStarted", 1, "ExecutionCompleted", 1));
        if (kind.activities > 0) {
            want.put("TaskScheduled", kind.activities);
            want.put("TaskCompleted", kind.activities);
        }
        if (kind == Kind.TIMER) {
            want.put("TimerCreated", 1);
            want.put("TimerFired", 1);
        }
        if (kind == Kind.SUB_ORCHESTRATION) {
            want.put("SubOrchestrationInstanceCreated", 1);
            want.put("SubOrchestrationInstanceCompleted", 1);
        }
        List<String> problems = new ArrayList<>(stored.check(id, want));
        stored.chunksDropped(id).forEach(c -> problems.add("stored history: history chunk dropped: " + c));
        Map<String, List<JsonNode>> byType = StoredHistory.byType(stored.events(id));
        List<JsonNode> inputs = byType.getOrDefault("TaskScheduled", List.of()).stream().map(e -> e.path("input")).toList();
        List<JsonNode> expectedInputs = expectedActivityInputs(id, kind);
        boolean inputsOk = kind == Kind.FAN_OUT
                ? new HashSet<>(inputs).equals(new HashSet<>(expectedInputs)) && inputs.size() == expectedInputs.size()
                : inputs.equals(expectedInputs);
        if (!inputsOk) {
            problems.add("stored history: activity inputs " + inputs + " instead of " + expectedInputs);
        }
        List<JsonNode> timerCreated = byType.getOrDefault("TimerCreated", List.of());
        List<JsonNode> timerFired = byType.getOrDefault("TimerFired", List.of());
        if (kind == Kind.TIMER && timerCreated.size() == 1 && timerFired.size() == 1
                && timerCreated.getFirst().path("taskId").asInt() != timerFired.getFirst().path("timerId").asInt()) {
            problems.add("stored history: TimerFired for another timer: " + timerCreated + timerFired);
        }
        List<JsonNode> childCreated = byType.getOrDefault("SubOrchestrationInstanceCreated", List.of());
        List<JsonNode> childCompleted = byType.getOrDefault("SubOrchestrationInstanceCompleted", List.of());
        if (kind == Kind.SUB_ORCHESTRATION && childCreated.size() == 1 && childCompleted.size() == 1
                && (!(id + "-child").equals(childCreated.getFirst().path("instanceId").asText())
                || childCreated.getFirst().path("taskId").asInt() != childCompleted.getFirst().path("taskScheduledId").asInt())) {
            problems.add("stored history: sub-orchestration " + childCreated.getFirst() + " / " + childCompleted.getFirst());
        }
        return problems;
    }

    /** Dead-lettered records of the hub (none expected), described with their reason. */
    private List<String> readDeadLetters(Admin admin) {
        String topic = cluster.topics.deadLetter();
        if (!topicExists(admin, topic)) {
            return List.of();
        }
        return TopicRecords.describe(TopicRecords.readAll(topic));
    }

    private static boolean topicExists(Admin admin, String topic) {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Instances on {@code partitions} with history events both before and after {@code kill} (node time). */
    private static int interrupted(Map<String, List<JsonNode>> rendered, Set<Integer> partitions, Instant kill) {
        int n = 0;
        for (Map.Entry<String, List<JsonNode>> e : rendered.entrySet()) {
            if (!partitions.contains(partitionOf(e.getKey()))) {
                continue;
            }
            boolean before = false;
            boolean after = false;
            for (JsonNode event : e.getValue()) {
                String ts = event.path("Timestamp").asText(null);
                if (ts != null) {
                    Instant t = Instant.parse(ts);
                    before |= t.isBefore(kill);
                    after |= t.isAfter(kill);
                }
            }
            if (before && after) {
                n++;
            }
        }
        return n;
    }

    private void writeFailures(Path report, Map<String, List<String>> problems, List<String> deadLetters, StoredHistory raw) {
        StringBuilder b = new StringBuilder();
        b.append(problems.size()).append(" instances with problems\n\n");
        problems.forEach((id, p) -> {
            b.append("== ").append(id).append(" (partition ").append(partitionOf(id)).append(")\n");
            p.forEach(line -> b.append("  ").append(line).append('\n'));
            b.append("  HTTP: ").append(getStatus(id, true).body()).append('\n');
            if (raw != null) {
                raw.records(id).forEach(r -> b.append("  topic: ").append(r).append('\n'));
            }
            b.append('\n');
        });
        b.append(deadLetters.size()).append(" dead letters\n");
        deadLetters.forEach(d -> b.append("  ").append(d).append('\n'));
        write(report, b.toString());
    }

    // ------------------------------------------------------------------------------------------ reporting

    private void logResumed(String what, Instant from, Map<Integer, Instant> resumed) {
        timeline.log(what + ": partitions processed again (probe past Pending over HTTP) after " + fromTo(from, resumed));
    }

    private static long count(Map<String, Kind> expected, Kind kind) {
        return expected.values().stream().filter(k -> k == kind).count();
    }

    private String where() {
        return logDir.resolve("timeline.log") + " and the node logs next to it";
    }

    /** {@code value} as JSON read back (so numbers compare equal to the ones read from HTTP and Kafka). */
    private static JsonNode json(Object value) {
        return parse(Json.toString(value));
    }

    private static JsonNode parse(String body) {
        return parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode parse(byte[] body) {
        return Json.fromBytes(body, JsonNode.class);
    }

    /** This test's own log: lines with seconds since the test began, to a file and to standard output. */
    static final class Timeline implements AutoCloseable {
        private final Instant start = Instant.now();
        private final PrintWriter out;

        Timeline(Path file) throws IOException {
            out = new PrintWriter(Files.newBufferedWriter(file), true);
        }

        synchronized void log(String message) {
            String line = String.format(Locale.ROOT, "%8.3f  %s  %s", secs(start, Instant.now()), Instant.now(), message);
            out.println(line);
            System.out.println("NodeKillTest " + line);
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
