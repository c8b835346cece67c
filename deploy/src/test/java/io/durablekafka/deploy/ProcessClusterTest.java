package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durablekafka.kafka.Conditions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@code local-cluster --nodes 2 --workers 1 --gateways 1} run the way an operator runs it: the launcher in a child
 * JVM (this test's class path), which starts the broker and four more JVMs. Ports are consecutive from
 * {@code --port}: the gateway, the two nodes' management ports, the worker's.
 */
class ProcessClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_DEADLINE = Duration.ofSeconds(150);

    /** Kept after the run (target/process-cluster-test/<test>), so that a failure's logs can be read. */
    private Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process launcher;
    private final List<ProcessHandle> children = new ArrayList<>();

    @BeforeEach
    void dataDir(TestInfo test) throws IOException {
        dataDir = Path.of(System.getProperty("basedir", "")).resolve("target/process-cluster-test")
                .resolve(test.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        TestFiles.resetDirectory(dataDir);
    }

    @AfterEach
    void cleanUp() {
        if (launcher != null) {
            launcher.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void runsAnOrchestrationAcrossProcessesAndStopsEveryChild() throws Exception {
        int port = freeConsecutivePorts(4);
        launcher = startLauncher(port, "--nodes", "2", "--workers", "1", "--gateways", "1");
        String gateway = "http://localhost:" + port;
        awaitReady(gateway);
        awaitReady("http://localhost:" + (port + 1));
        awaitReady("http://localhost:" + (port + 2));
        launcher.toHandle().children().forEach(children::add);
        assertEquals(4, children.size(), "node, node, worker and gateway processes");

        assertEquals(List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!"),
                JSON.convertValue(runToCompletion(gateway, "HelloCities").get("output"), List.class));
        assertTrue(isReady("http://localhost:" + (port + 3)), "the worker's /readyz");

        launcher.destroy();  // SIGTERM, as Ctrl-C: the launcher's shutdown hook stops the children
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher stops");
        Conditions.await("every child process is gone", Duration.ofSeconds(30),
                () -> children.stream().noneMatch(ProcessHandle::isAlive));
        for (String name : List.of("node-1", "node-2", "worker-1", "gateway-1")) {
            assertTrue(Files.size(dataDir.resolve("logs").resolve(name + ".log")) > 0, name + "'s log");
        }
    }

    @Test
    void childrenExitWhenTheLauncherIsKilled() throws Exception {
        int port = freeConsecutivePorts(3);
        launcher = startLauncher(port, "--nodes", "1", "--workers", "1", "--gateways", "1");
        awaitReady("http://localhost:" + port);
        launcher.toHandle().children().forEach(children::add);
        assertEquals(3, children.size(), "node, worker and gateway processes");

        launcher.destroyForcibly();  // SIGKILL: no shutdown hook runs in the launcher
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher is gone");
        Conditions.await("every child process exits without its launcher", Duration.ofSeconds(60),
                () -> children.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void aChildThatCannotStartFailsTheLauncherAtOnceWithItsReason() throws Exception {
        int port = freeConsecutivePorts(3);
        // The gateway's port, taken: the gateway starts last, fails to bind, and must exit rather than linger.
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            launcher = startLauncher(port, "--nodes", "1", "--workers", "1", "--gateways", "1");
            assertTrue(launcher.waitFor(START_DEADLINE.toSeconds(), TimeUnit.SECONDS), "the launcher gives up");
        }
        assertTrue(launcher.exitValue() != 0, "the launcher's exit code");
        String log = Files.readString(dataDir.resolve("launcher.log"));
        assertTrue(log.contains("gateway-1 exited with code 1"), "the launcher names the child:\n" + launcherLogTail());
        assertTrue(log.contains("Port already in use"), "and quotes the child's reason:\n" + launcherLogTail());
    }

    private Process startLauncher(int port, String... counts) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // The JDK 24+ flags this test JVM got (Kafka's and RocksDB's Unsafe and JNI use), passed on to the children.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--sun-misc") || a.startsWith("--enable-native-access"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "local-cluster"));
        command.addAll(List.of(counts));
        command.addAll(List.of("--port", String.valueOf(port), "--data-dir", dataDir.toString(), "--dk.partitions", "4",
                // Any free gRPC port: the SDKs' default one may be taken on a shared machine.
                "--dk.gateway.grpc.port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("launcher.log").toFile());
        // The launcher starts its own broker, whatever Kafka this test JVM was given.
        builder.environment().remove("DK_BOOTSTRAP_SERVERS");
        return builder.start();
    }

    private JsonNode runToCompletion(String gateway, String orchestration) throws Exception {
        String base = gateway + "/runtime/webhooks/durabletask";
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "/orchestrators/" + orchestration))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, started.statusCode(), started.body());
        String id = JSON.readTree(started.body()).get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            // A long-poll: answers when the instance ends, or after 10 s with its status then.
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/instances/" + id + "?timeoutSeconds=10")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(status.body());
            if (status.statusCode() == 200 && body.path("runtimeStatus").asText().equals("Completed")) {
                return body;
            }
            assertTrue(System.nanoTime() < deadline, "not completed in 60 s: " + status.body());
        }
    }

    private void awaitReady(String url) {
        Conditions.await(url + "/readyz answers 200 (see " + dataDir + "/logs)", START_DEADLINE, () -> isReady(url));
    }

    private boolean isReady(String url) {
        if (!launcher.isAlive()) {
            fail("the launcher exited with code " + launcher.exitValue() + "; " + dataDir.resolve("launcher.log")
                    + " ends with:" + System.lineSeparator() + launcherLogTail());
        }
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/readyz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String launcherLogTail() {
        return ProcessCluster.tail(dataDir.resolve("launcher.log"), 60);
    }

    /**
     * The first of {@code count} consecutive ports free now on the loopback interface, below the ephemeral range:
     * there, any outgoing connection of the children (Kafka clients) may take one of them before the child that
     * should listen on it binds.
     */
    private static int freeConsecutivePorts(int count) throws IOException {
        int below = ephemeralPortsStart();
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(10_000, below - count);
            boolean free = true;
            for (int p = first; p < first + count && free; p++) {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free ports found");
    }

    /** Where Linux starts its ephemeral ports (32768 by default, and elsewhere a safe guess). */
    private static int ephemeralPortsStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Math.max(12_000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
