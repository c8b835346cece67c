package io.durablekafka.node.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteOrchestratorWork;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.OrchestratorWorkItem;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.instance.EngineSettings;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's topology with SDK workers on: work items out on their topic, answers in, the deadline re-issues. */
class SdkWorkTopologyTest {

    private static final TopicNames TOPICS = new TopicNames("sdkhub");
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(T0);
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> orchestrations;
    private TestOutputTopic<String, String> work;
    private TestOutputTopic<String, String> sdkTasks;

    @BeforeEach
    void startDriver() {
        EngineSettings settings = new EngineSettings(100, Duration.ofSeconds(10), Set.of("default"))
                .withSdkWorkers(Duration.ofSeconds(30));
        var topology = NodeTopology.build(TOPICS, FunctionRegistry.builder().build(), settings, Duration.ofMillis(10),
                Duration.ofMillis(100), clock);
        driver = TopologyDrivers.start(topology, "sdk-work-topology-test", stateDir, T0);
        orchestrations = TopologyDrivers.input(driver, TOPICS.orchestrations());
        work = TopologyDrivers.output(driver, TOPICS.sdkOrchestratorWork());
        sdkTasks = TopologyDrivers.output(driver, TOPICS.tasks(TopicNames.SDK_TASK_QUEUE));
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void send(Object message) {
        orchestrations.pipeInput("i1", Json.toString(message));
    }

    private OrchestratorWorkItem onlyWorkItem() {
        List<String> values = work.readValuesToList();
        assertEquals(1, values.size(), () -> "work items: " + values);
        return Json.fromBytes(values.getFirst().getBytes(java.nio.charset.StandardCharsets.UTF_8), OrchestratorWorkItem.class);
    }

    @Test
    void anSdkOrchestrationRunsThroughWorkItemsAndTheSdkTaskQueue() {
        send(new StartOrchestration("i1", "FromAnSdk", TextNode.valueOf("in"), null, null, null));
        OrchestratorWorkItem first = onlyWorkItem();
        assertEquals("FromAnSdk", first.name());
        assertEquals(1, first.workSeq());
        assertTrue(first.newEvents().getFirst() instanceof HistoryEvent.ExecutionStarted);

        send(new CompleteOrchestratorWork("i1", first.executionId(), 1,
                List.of(new HistoryEvent.TaskScheduled(T0, 0, "Say", TextNode.valueOf("x"))), null, null, List.of()));
        List<String> requests = sdkTasks.readValuesToList();
        assertEquals(1, requests.size());
        ActivityRequest request = Json.fromBytes(requests.getFirst().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ActivityRequest.class);
        assertEquals("Say", request.name());

        send(new CompleteTask("i1", first.executionId(), 0, TextNode.valueOf("hi")));
        OrchestratorWorkItem second = onlyWorkItem();
        assertEquals(2, second.workSeq());
        assertEquals(2, second.pastEvents().size());

        // Unanswered: issued again once its deadline passes (the due-time index's wake-up).
        clock.advance(Duration.ofSeconds(31));
        driver.advanceWallClockTime(Duration.ofSeconds(31));
        OrchestratorWorkItem again = onlyWorkItem();
        assertEquals(3, again.workSeq());
        assertEquals(second.newEvents(), again.newEvents());

        send(new CompleteOrchestratorWork("i1", first.executionId(), 3, List.of(), null,
                new HistoryEvent.ExecutionCompleted(T0, RuntimeStatus.Completed, TextNode.valueOf("done"), null), List.of()));
        assertTrue(work.isEmpty());
        send(new CompleteOrchestratorWork("i1", first.executionId(), 2, List.of(), null, null, List.of()));
        assertTrue(work.isEmpty(), "a stale answer changes nothing");
    }
}
