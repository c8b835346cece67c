package io.durablekafka.node.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.instance.EngineSettings;
import io.durablekafka.node.metrics.NodeMetrics;
import io.durablekafka.sdk.FunctionRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the node counts, step by step, on Kafka Streams' test driver: which transitions are starts and ends. */
class NodeMetricsTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final TopicNames TOPICS = new TopicNames("MetricsHub");

    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            .addOrchestration("Hello", ctx -> ctx.complete(ctx.callActivity("SayHello", "x", String.class).await()))
            .addOrchestration("Looper", ctx -> {
                int n = ctx.getInput(Integer.class);
                if (n < 2) {
                    ctx.continueAsNew(n + 1);
                } else {
                    ctx.complete(n);
                }
            })
            .addOrchestration("Waiter", ctx -> ctx.complete(ctx.waitForExternalEvent("Go", String.class).await()))
            .addOrchestration("Crash", ctx -> {
                throw new IllegalStateException("boom");
            })
            .build();

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> orchestrations;
    private TestOutputTopic<String, String> tasks;

    @BeforeEach
    void startDriver() {
        var topology = NodeTopology.build(TOPICS, REGISTRY, new EngineSettings(100, Duration.ofSeconds(10), Set.of("default")),
                Duration.ofMillis(10), Duration.ofMillis(100), new MutableClock(T0),
                new NodeMetrics(meters, REGISTRY.orchestrationNames()));
        driver = TopologyDrivers.start(topology, "node-metrics-test", stateDir, T0);
        orchestrations = TopologyDrivers.input(driver, TOPICS.orchestrations());
        tasks = TopologyDrivers.output(driver, TOPICS.tasks("default"));
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void start(String id, String name, Object input) {
        orchestrations.pipeInput(id, """
                {"type":"StartOrchestration","v":1,"instanceId":"%s","name":"%s","input":%s}"""
                .formatted(id, name, Json.toString(input)));
    }

    private double count(String meter, String name) {
        var counter = meters.find(meter).tag("name", name).counter();
        return counter == null ? 0 : counter.count();
    }

    private void completeActivity(String id) {
        ActivityRequest request = Json.fromBytes(tasks.readValue().getBytes(StandardCharsets.UTF_8), ActivityRequest.class);
        orchestrations.pipeInput(id, """
                {"type":"CompleteTask","v":1,"instanceId":"%s","executionId":"%s","taskId":0,"result":"hi"}"""
                .formatted(id, request.executionId()));
    }

    @Test
    void aStartAndItsCompletionCountOnceAndARestartOfTheEndedInstanceCountsAgain() {
        start("h1", "Hello", null);
        assertEquals(1, count("dk.orchestrations.started", "Hello"));
        assertEquals(0, count("dk.orchestrations.completed", "Hello"));
        completeActivity("h1");
        assertEquals(1, count("dk.orchestrations.completed", "Hello"));

        start("h1", "Hello", null);
        assertEquals(2, count("dk.orchestrations.started", "Hello"));
        completeActivity("h1");
        assertEquals(2, count("dk.orchestrations.completed", "Hello"));
        assertEquals(4, meters.find("dk.node.step.duration").timer().count(), "one step per input record");
    }

    @Test
    void continueAsNewIsNotAStart() {
        start("l1", "Looper", 0);
        assertEquals(1, count("dk.orchestrations.started", "Looper"));
        assertEquals(1, count("dk.orchestrations.completed", "Looper"));
    }

    @Test
    void failuresTerminationsAndRefusedStartsAreCountedAsSuch() {
        start("c1", "Crash", null);
        assertEquals(1, count("dk.orchestrations.failed", "Crash"));

        start("w1", "Waiter", null);
        assertEquals(1, meters.get("dk.node.instances.in.flight").gauge().value(), "Waiter is live in the cache");
        start("w1", "Waiter", null); // refused: the instance is running (dead-lettered)
        assertEquals(1, count("dk.orchestrations.started", "Waiter"));
        assertEquals(1, meters.get("dk.dead.letters").tag("role", "node").counter().count());
        orchestrations.pipeInput("w1", """
                {"type":"TerminateOrchestration","v":1,"instanceId":"w1","reason":"stop"}""");
        assertEquals(1, count("dk.orchestrations.terminated", "Waiter"));
        assertEquals(0, meters.get("dk.node.instances.in.flight").gauge().value());
    }

    @Test
    void unregisteredNamesShareOneTag() {
        start("u1", "NoSuchOrchestration", null);
        start("u2", "NorThisOne", null);
        assertEquals(2, count("dk.orchestrations.started", "(unregistered)"));
        assertEquals(0, meters.find("dk.orchestrations.started").tag("name", "NoSuchOrchestration").counters().size());
    }
}
