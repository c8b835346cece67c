package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.serde.Json;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every sample gives its documented output, end to end through HTTP and a real broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamplesTest {

    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = new TestCluster("Samples", TestFunctions.registry());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void helloCitiesGreetsThreeCitiesInOrder() {
        String id = cluster.start("HelloCities", null);
        JsonNode status = cluster.awaitRuntimeStatus(id, "Completed");
        assertEquals(Json.toTree(new String[]{"Hello Tokyo!", "Hello Seattle!", "Hello London!"}), status.get("output"));
        assertEquals("HelloCities", status.get("name").asText());
    }

    @Test
    void helloSequence5CallsFiveActivitiesInSequence() {
        String id = cluster.start("HelloSequence5", null);
        JsonNode status = cluster.awaitRuntimeStatus(id, "Completed");
        assertEquals(5, status.get("output").size());
        assertEquals("Hello Cairo!", status.get("output").get(4).asText());
    }

    @Test
    void fanOutFanInSumsSquares() {
        String id = cluster.start("FanOutFanIn", 10);
        assertEquals(385, cluster.awaitRuntimeStatus(id, "Completed").get("output").asLong());
    }

    @Test
    void fanOutOfTwoHundredActivities() {
        String id = cluster.start("FanOutFanIn", 200);
        assertEquals(200L * 201 * 401 / 6, cluster.awaitRuntimeStatus(id, "Completed").get("output").asLong());
    }

    @Test
    void sequenceSumsSquaresOneAfterTheOther() {
        String id = cluster.start("Sequence", 20);
        assertEquals(20L * 21 * 41 / 6, cluster.awaitRuntimeStatus(id, "Completed").get("output").asLong());
    }

    @Test
    void awaitEventWaitsForContinueAndOutputsItsData() {
        String id = cluster.start("AwaitEvent", null);
        cluster.awaitRuntimeStatus(id, "Running");
        cluster.send(new RaiseEvent(id, "Continue", Json.toTree(Map.of("n", 7))));
        assertEquals(7, cluster.awaitRuntimeStatus(id, "Completed").get("output").get("n").asInt());
    }

    @Test
    void approvalIsApprovedOrRejectedByTheEvent() {
        String approved = cluster.start("Approval", Map.of("timeoutSeconds", 60));
        String rejected = cluster.start("Approval", Map.of("timeoutSeconds", 60));
        cluster.awaitRuntimeStatus(approved, "Running");
        cluster.awaitRuntimeStatus(rejected, "Running");
        cluster.send(new RaiseEvent(approved, "ApprovalEvent", Json.toTree(true)));
        cluster.send(new RaiseEvent(rejected, "ApprovalEvent", Json.toTree(false)));
        assertEquals("approved", cluster.awaitRuntimeStatus(approved, "Completed").get("output").asText());
        assertEquals("rejected", cluster.awaitRuntimeStatus(rejected, "Completed").get("output").asText());
    }

    @Test
    void approvalTimesOutWithoutAnEvent() {
        String id = cluster.start("Approval", Map.of("timeoutSeconds", 1));
        assertEquals("timed out", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
    }

    @Test
    void parentRunsHelloCitiesAsSubOrchestration() {
        String id = cluster.start("Parent", null);
        JsonNode status = cluster.awaitRuntimeStatus(id, "Completed");
        assertEquals(Json.toTree(new String[]{"Hello Tokyo!", "Hello Seattle!", "Hello London!"}), status.get("output"));
    }

    @Test
    void monitorCountsDownWithTimersAndContinueAsNew() {
        String id = cluster.start("Monitor", Map.of("count", 2, "intervalSeconds", 0.2));
        JsonNode status = cluster.awaitStatus(id, Duration.ofSeconds(30), s -> "Completed".equals(s.path("runtimeStatus").asText()));
        assertEquals("done", status.get("output").asText());
        assertEquals(0, status.get("customStatus").get("remaining").asInt());
    }
}
