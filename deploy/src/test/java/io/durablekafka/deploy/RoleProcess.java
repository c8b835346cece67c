package io.durablekafka.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A role ({@code node}, {@code worker} or {@code gateway}) in a child JVM, launched the way an operator does
 * ({@code Main <role> --dk.<setting> value}), with this test's class path (so it runs the test functions) and the
 * JDK running the test. Its output goes to a log file; {@link #kill()} is SIGKILL ({@link Process#destroyForcibly()}
 * on Linux): no shutdown hook, no leave-group, an open transaction left behind.
 */
final class RoleProcess {

    /** Every process started and not yet reaped, killed if this JVM exits before the test cleans up. */
    private static final List<Process> LIVE = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "role-process-reaper"));
    }

    /** The line {@code Main} prints once the role runs; gives the gateway's URL or the management URL. */
    private static final Pattern RUNNING = Pattern.compile("durable-kafka (?:node|worker|gateway) running"
            + "(?: at (http://[^;\\s]+))?;?(?: metrics and probes at (http://[^/\\s]+))?");

    final String role;
    /** The process's name: for a node its {@code group.instance.id} and {@code client.id}, told apart in the group. */
    final String name;
    final Path stateDir;
    final Path log;
    final Instant startedAt;
    private final Process process;

    private RoleProcess(String role, String name, Path stateDir, Path log, Instant startedAt, Process process) {
        this.role = role;
        this.name = name;
        this.stateDir = stateDir;
        this.log = log;
        this.startedAt = startedAt;
        this.process = process;
    }

    /**
     * Starts {@code Main node} for {@code hub}; {@code settings} are passed as {@code --key value} (keys
     * {@code dk.kafka.<property>} go to every Kafka client of the process).
     */
    static RoleProcess start(String name, String hub, String bootstrapServers, Path stateDir, Path log,
                             Map<String, String> settings) {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("dk.node.state.dir", stateDir.toString());
        // Any free port: several node processes share this host.
        all.put("dk.node.management.port", "0");
        all.putAll(settings);
        return start("node", name, hub, bootstrapServers, stateDir, log, all);
    }

    /**
     * Starts {@code Main <role>} for {@code hub} with {@code settings}; {@code stateDir} (may be null) is only
     * created, the settings say what uses it.
     */
    static RoleProcess start(String role, String name, String hub, String bootstrapServers, Path stateDir, Path log,
                             Map<String, String> settings) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // Kafka Streams' state changes, rebalances and restores, and the producer's transactional ID
                // (fencing), in the node's log.
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.producer.internals.TransactionManager=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals.ConsumerCoordinator=info",
                "-cp", System.getProperty("java.class.path"),
                "io.durablekafka.deploy.Main", role,
                "--dk.bootstrap.servers", bootstrapServers,
                "--dk.task.hub", hub));
        Map<String, String> all = new java.util.LinkedHashMap<>();
        // Test processes stay on loopback and off the well-known ports: a standalone gateway would otherwise
        // insist on a key (it would listen on every interface) and take the SDKs' gRPC port 4001.
        all.put("dk.bind.host", "localhost");
        if (role.equals("gateway")) {
            all.put("dk.gateway.allow.anonymous", "true");
            all.put("dk.gateway.grpc.port", "0");
        }
        all.putAll(settings);
        all.forEach((k, v) -> {
            command.add("--" + k);
            command.add(v);
        });
        try {
            if (stateDir != null) {
                Files.createDirectories(stateDir);
            }
            Files.createDirectories(log.getParent());
            Instant at = Instant.now();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            LIVE.add(process);
            process.onExit().thenRun(() -> LIVE.remove(process));
            return new RoleProcess(role, name, stateDir, log, at, process);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + role + " process " + name, e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until the role prints that it runs, and returns its URL: the gateway's base URL, or the management URL
     * of a node or worker (null if it has none). Fails if the process exits first or after {@code deadline}. Reads
     * the whole log: give each launch a log of its own.
     */
    String awaitRunning(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                Matcher m = RUNNING.matcher(Files.exists(log) ? Files.readString(log) : "");
                if (m.find()) {
                    return m.group(1) != null ? m.group(1) : m.group(2);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!process.isAlive()) {
                throw new AssertionError(this + " exited with code " + process.exitValue() + " before it ran; see " + log);
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(this + " not running within " + deadline + "; see " + log);
            }
            io.durablekafka.kafka.Conditions.pause();
        }
    }

    /** SIGKILL; returns the moment the signal was sent, once the process is gone. */
    Instant kill() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " (pid " + process.pid() + ") died before it was killed, exit code "
                    + process.exitValue() + "; see " + log);
        }
        Instant at = Instant.now();
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " (pid " + process.pid() + ") still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        // 128 + 9: killed by SIGKILL, not exited on its own.
        if (process.exitValue() != 137) {
            throw new AssertionError(name + " exited with " + process.exitValue() + " instead of 137 (SIGKILL); see " + log);
        }
        return at;
    }

    /** For clean-up: kills the process if it still runs. */
    void destroy() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (" + role + ", pid " + process.pid() + (stateDir == null ? "" : ", state " + stateDir.getFileName())
                + ", log " + log.getFileName() + ")";
    }
}
