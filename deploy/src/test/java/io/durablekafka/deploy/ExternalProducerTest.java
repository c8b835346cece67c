package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.DeadLetters;
import io.durablekafka.deploy.deadletters.DeadLettersCommand;
import io.durablekafka.kafka.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records written by a producer that is not ours: Kafka's console producer ({@code kafka-console-producer.sh} runs
 * {@code org.apache.kafka.tools.ConsoleProducer}), in a process of its own, with the options and lines of the recipe
 * in docs/external-producers.md (checked against the document); results read over HTTP. Malformed records go to
 * the dead-letter topic with their reason while the stream goes on, and {@code durable-kafka deadletters} lists and
 * replays them.
 */
class ExternalProducerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path DOC = Path.of("..", "docs", "external-producers.md");

    /** The recipe's options after {@code --bootstrap-server} and {@code --topic}, as docs/external-producers.md has them. */
    static final List<String> RECIPE_OPTIONS = List.of("--reader-property", "parse.key=true",
            "--reader-property", "key.separator=|");
    static final String RECIPE_OPTIONS_IN_DOC = "--reader-property parse.key=true --reader-property 'key.separator=|'";
    static final String START = """
            order-42|{"type":"StartOrchestration","v":1,"instanceId":"order-42","name":"Approval","input":{"timeoutSeconds":300}}""";
    static final String RAISE = """
            order-42|{"type":"RaiseEvent","v":1,"instanceId":"order-42","name":"ApprovalEvent","input":true}""";

    private static TestCluster cluster;
    private static DeadLetterWatch deadLetters;
    private static ConsoleProducer producer;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = new TestCluster("External", TestFunctions.registry());
        deadLetters = new DeadLetterWatch(cluster.topics.deadLetter());
        producer = new ConsoleProducer(cluster.topics.orchestrations());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            if (producer != null) {
                producer.close();
            }
        } finally {
            if (deadLetters != null) {
                deadLetters.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void theConsoleProducerStartsAnOrchestrationAndRaisesItsEventAsTheRecipeShows() throws Exception {
        String doc = Files.readString(DOC);
        assertTrue(doc.contains(RECIPE_OPTIONS_IN_DOC), "the recipe's options are the tested ones");
        assertTrue(doc.contains(START + "\n") && doc.contains(RAISE + "\n"), "the recipe's records are the tested ones");

        consoleProducer(START);
        awaitRuntimeStatus("order-42", "Running");
        consoleProducer(RAISE);

        JsonNode done = awaitDone("order-42");
        assertEquals("Completed", done.path("runtimeStatus").asText(), done.toString());
        assertEquals("approved", done.path("output").asText());
        assertEquals(Map.of(), deadLetters.reasons("order-42"), "nothing dead-lettered");
    }

    @Test
    void malformedRecordsAreDeadLetteredWithTheirReasonAndTheStreamGoesOn() throws Exception {
        // An instance that waits while the bad records go by, and gets its event after them.
        consoleProducer("""
                bystander|{"type":"StartOrchestration","v":1,"instanceId":"bystander","name":"Approval","input":{"timeoutSeconds":300}}""");
        awaitRuntimeStatus("bystander", "Running");

        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("bad-json|{\"type\":\"StartOrchestration\",\"v\":1,", "invalid record: Unexpected end-of-input");
        bad.put("unknown-type|{\"type\":\"FlyToTheMoon\",\"v\":1,\"instanceId\":\"unknown-type\"}",
                "invalid record: Could not resolve type id 'FlyToTheMoon'");
        bad.put("newer-v|{\"type\":\"RaiseEvent\",\"v\":2,\"instanceId\":\"newer-v\",\"name\":\"x\",\"input\":1}",
                "schema version 2 is newer");
        bad.put("key-a|{\"type\":\"RaiseEvent\",\"v\":1,\"instanceId\":\"key-b\",\"name\":\"x\",\"input\":1}",
                "differs from instanceId");
        bad.put("no-name|{\"type\":\"StartOrchestration\",\"v\":1,\"instanceId\":\"no-name\",\"input\":null}",
                "has no orchestration name");
        bad.put("no-id|{\"type\":\"RaiseEvent\",\"v\":1,\"name\":\"ApprovalEvent\",\"input\":true}", "has no instanceId");
        // An event without a name for the waiting instance: refused, and the instance goes on waiting.
        bad.put("bystander|{\"type\":\"RaiseEvent\",\"v\":1,\"instanceId\":\"bystander\",\"input\":true}",
                "has no event name");
        bad.put("@nosuchentity@k|{\"type\":\"SignalEntity\",\"v\":1,\"instanceId\":\"@nosuchentity@k\",\"operation\":\"add\","
                + "\"input\":1}", "is not registered");
        consoleProducer(bad.keySet().toArray(String[]::new));

        for (var e : bad.entrySet()) {
            String key = e.getKey().substring(0, e.getKey().indexOf('|'));
            ConsumerRecord<String, byte[]> dead = deadLetters.await(key);
            String reason = header(dead, DeadLetters.REASON);
            assertTrue(reason.contains(e.getValue()), key + ": " + reason);
            assertEquals(e.getKey().substring(key.length() + 1), new String(dead.value(), StandardCharsets.UTF_8),
                    "the original value");
            assertEquals(cluster.topics.orchestrations(), header(dead, DeadLetters.SOURCE_TOPIC));
            assertTrue(Long.parseLong(header(dead, DeadLetters.SOURCE_OFFSET)) >= 0);
        }
        assertEquals("Running", cluster.status("bystander", false).path("runtimeStatus").asText());

        consoleProducer("""
                bystander|{"type":"RaiseEvent","v":1,"instanceId":"bystander","name":"ApprovalEvent","input":false}""");
        assertEquals("rejected", awaitDone("bystander").path("output").asText());

        // The command line shows them, one line each, with the reason.
        String listed = deadletters(0, "list", "--limit", "1000");
        String line = listed.lines().filter(l -> l.contains("key=newer-v ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for newer-v in:\n" + listed));
        assertTrue(line.matches("\\d+:\\d+  \\d{4}-.*Z  key=newer-v  reason=invalid record: schema version 2 is newer.*  source="
                + java.util.regex.Pattern.quote(cluster.topics.orchestrations()) + ":\\d+:\\d+  value=\\{\"type\":\"RaiseEvent\".*"),
                line);
        JsonNode json = jsonLines(deadletters(0, "list", "--json", "--limit", "1000")).stream()
                .filter(n -> n.path("key").asText().equals("bad-json")).findFirst().orElseThrow();
        assertTrue(json.path("reason").asText().startsWith("invalid record"), json.toString());
        assertEquals("{\"type\":\"StartOrchestration\",\"v\":1,", json.path("value").asText());
        assertEquals(cluster.topics.orchestrations(), json.path("sourceTopic").asText());
    }

    @Test
    void aDeadLetterWhoseReasonWentAwayIsReplayedAndOneStillBadIsDeadLetteredAgain() throws Exception {
        // An event raised before its instance exists is refused ...
        consoleProducer("""
                late-1|{"type":"RaiseEvent","v":1,"instanceId":"late-1","name":"ApprovalEvent","input":true}""",
                "still-bad|{not json");
        deadLetters.await("late-1");
        deadLetters.await("still-bad");
        JsonNode late = only(jsonLines(deadletters(0, "list", "--json", "--limit", "1000")), "late-1");
        assertTrue(late.path("reason").asText().contains("does not exist"), late.toString());
        String latePosition = late.path("partition").asInt() + ":" + late.path("offset").asLong();
        // ... and starting the instance does not bring it back.
        consoleProducer("""
                late-1|{"type":"StartOrchestration","v":1,"instanceId":"late-1","name":"Approval","input":{"timeoutSeconds":300}}""");
        awaitRuntimeStatus("late-1", "Running");

        String dry = deadletters(0, "replay", "--offset", latePosition, "--dry-run");
        assertTrue(dry.startsWith("would replay " + latePosition + " -> " + cluster.topics.orchestrations()), dry);
        assertEquals("Running", cluster.status("late-1", false).path("runtimeStatus").asText(), "a dry run sends nothing");

        String replayed = deadletters(0, "replay", "--offset", latePosition);
        assertTrue(replayed.startsWith("replayed " + latePosition + " -> " + cluster.topics.orchestrations()), replayed);
        assertEquals("approved", awaitDone("late-1").path("output").asText());

        // A record that is still bad goes back to the dead-letter topic, saying where it was replayed from.
        JsonNode bad = only(jsonLines(deadletters(0, "list", "--json", "--limit", "1000")), "still-bad");
        String badPosition = bad.path("partition").asInt() + ":" + bad.path("offset").asLong();
        deadletters(0, "replay", "--offset", badPosition);
        ConsumerRecord<String, byte[]> again = deadLetters.await("still-bad",
                r -> header(r, DeadLetters.REPLAYED_FROM) != null);
        assertEquals(cluster.topics.deadLetter() + ":" + badPosition, header(again, DeadLetters.REPLAYED_FROM));
        assertTrue(header(again, DeadLetters.REASON).startsWith("invalid record"));
        assertEquals("{not json", new String(again.value(), StandardCharsets.UTF_8));
        assertTrue(deadletters(0, "list", "--limit", "1000").contains("replayed-from=" + cluster.topics.deadLetter()
                + ":" + badPosition));

        // Nothing stopped: the stream goes on.
        consoleProducer("""
                after-replay|{"type":"StartOrchestration","v":1,"instanceId":"after-replay","name":"HelloCities","input":null}""");
        assertEquals("Completed", awaitDone("after-replay").path("runtimeStatus").asText());

        // Mistakes are told apart: a position with nothing there, a bad option.
        assertTrue(deadletters(1, "replay", "--offset", "0:99999999").isEmpty());
        deadletters(2, "replay");
        deadletters(2, "list", "--limit", "none");
    }

    /**
     * The kafkajs recipe: examples/kafkajs (as docs/external-producers.md shows it) run by Node.js. Skipped when this
     * machine has no Node.js or npm cannot install kafkajs (no network): it is a check of the recipe, not of the
     * cluster, which the console producer covers.
     */
    @Test
    void kafkajsStartsAndRaisesAsTheRecipeShows() throws Exception {
        Path example = Path.of("..", "examples", "kafkajs");
        String script = Files.readString(example.resolve("start-and-raise.mjs"));
        assertTrue(Files.readString(DOC).contains(script), "docs/external-producers.md shows the tested script");
        Path dir = Path.of("target", "kafkajs").toAbsolutePath();
        Files.createDirectories(dir);
        Files.copy(example.resolve("package.json"), dir.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(example.resolve("start-and-raise.mjs"), dir.resolve("start-and-raise.mjs"),
                StandardCopyOption.REPLACE_EXISTING);
        Assumptions.assumeTrue(ExternalProgram.run(dir, Map.of(), 30, "node", "--version") == 0, "no Node.js here: kafkajs recipe not run");
        if (!Files.isDirectory(dir.resolve("node_modules").resolve("kafkajs"))) {
            Assumptions.assumeTrue(ExternalProgram.run(dir, Map.of(), 180, "npm", "install", "--no-audit", "--no-fund") == 0,
                    "npm could not install kafkajs (no network?): kafkajs recipe not run; see " + dir.resolve("npm.log"));
        }

        int exit = ExternalProgram.run(dir, Map.of("KAFKA_BROKERS", SharedKafka.bootstrapServers(), "DK_TASK_HUB", cluster.hub), 120,
                "node", "start-and-raise.mjs", "kafkajs-1");

        assertEquals(0, exit, () -> "node start-and-raise.mjs: " + read(dir.resolve("node.log")));
        JsonNode done = awaitDone("kafkajs-1");
        assertEquals("approved", done.path("output").asText(), done.toString());
        assertEquals(Map.of(), deadLetters.reasons("kafkajs-1"), "nothing dead-lettered");
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * Kafka's console producer (what {@code kafka-console-producer.sh} runs) in a JVM of its own with the recipe's
     * options, for the whole class: lines are typed into it as the tests go; it must exit cleanly at the end.
     */
    private static final class ConsoleProducer implements AutoCloseable {
        private final Process process;
        private final Writer stdin;
        private final Path log;

        ConsoleProducer(String topic) throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ConsoleProducer",
                    "--bootstrap-server", SharedKafka.bootstrapServers(), "--topic", topic));
            command.addAll(RECIPE_OPTIONS);
            log = Path.of("target", "external-producer", "console-producer-" + topic + ".log");
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /** Types the lines (each {@code key|value}); the producer sends them within its linger time (1 s). */
        void type(String... lines) throws IOException {
            if (!process.isAlive()) {
                throw new AssertionError("the console producer exited (" + process.exitValue() + "): " + read(log));
            }
            for (String line : lines) {
                stdin.write(line);
                stdin.write('\n');
            }
            stdin.flush();
        }

        /** Ends its input, as Ctrl-D does: it sends what it has and exits, with 0. */
        @Override
        public void close() throws Exception {
            try {
                stdin.close();
                assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the console producer did not exit; " + log);
                assertEquals(0, process.exitValue(), () -> "console producer failed: " + read(log));
            } finally {
                process.destroyForcibly();
            }
        }
    }

    /**
     * Waits until the instance exists (the console producer sends what it is typed within a second, so it may not
     * yet) and has {@code runtimeStatus}.
     */
    private static JsonNode awaitRuntimeStatus(String instanceId, String runtimeStatus) {
        return awaitStatus(instanceId, runtimeStatus::equals);
    }

    private static JsonNode awaitDone(String instanceId) {
        return awaitStatus(instanceId, s -> s.equals("Completed") || s.equals("Failed") || s.equals("Terminated"));
    }

    private static JsonNode awaitStatus(String instanceId, java.util.function.Predicate<String> runtimeStatus) {
        JsonNode[] last = new JsonNode[1];
        io.durablekafka.kafka.Conditions.await(instanceId + " in the expected runtime status", WAIT, () -> {
            var r = cluster.get("/runtime/webhooks/durabletask/instances/" + instanceId);
            if (r.statusCode() == 404) {
                return false;
            }
            last[0] = Json.fromBytes(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
            return runtimeStatus.test(last[0].path("runtimeStatus").asText());
        });
        return last[0];
    }

    private static void consoleProducer(String... lines) throws IOException {
        producer.type(lines);
    }

    /** Runs {@code durable-kafka deadletters <args>} for this hub; checks the exit code; returns what it printed. */
    private static String deadletters(int exitCode, String... args) throws InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--hub", cluster.hub, "--bootstrap-servers", SharedKafka.bootstrapServers()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DeadLettersCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(exitCode, code, () -> "deadletters " + all + ":\n" + printed + err.toString(StandardCharsets.UTF_8));
        return printed;
    }

    private static List<JsonNode> jsonLines(String text) {
        return text.lines().map(l -> Json.fromBytes(l.getBytes(StandardCharsets.UTF_8), JsonNode.class)).toList();
    }

    /** The one listed dead letter with {@code key} that is not a replay. */
    private static JsonNode only(List<JsonNode> letters, String key) {
        List<JsonNode> found = letters.stream()
                .filter(n -> n.path("key").asText().equals(key) && !n.has("replayedFrom")).toList();
        assertEquals(1, found.size(), () -> key + ": " + found);
        return found.getFirst();
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        return DeadLetters.header(r.headers(), name);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Every dead letter of the hub, read as they come. */
    private static final class DeadLetterWatch implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> seen = new CopyOnWriteArrayList<>();

        DeadLetterWatch(String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        synchronized ConsumerRecord<String, byte[]> await(String key) {
            return await(key, r -> true);
        }

        synchronized ConsumerRecord<String, byte[]> await(String key,
                                                          java.util.function.Predicate<ConsumerRecord<String, byte[]>> which) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                for (var r : seen) {
                    if (key.equals(r.key()) && which.test(r)) {
                        return r;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no such dead letter for '" + key + "' within " + WAIT);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
        }

        /** The reasons of the dead letters seen so far for {@code key}, by offset. */
        synchronized Map<Long, String> reasons(String key) {
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            Map<Long, String> out = new java.util.TreeMap<>();
            seen.stream().filter(r -> key.equals(r.key())).forEach(r -> out.put(r.offset(), header(r, DeadLetters.REASON)));
            return out;
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
