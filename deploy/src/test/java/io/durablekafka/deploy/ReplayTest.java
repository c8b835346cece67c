package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** With the execution cache off, every step replays history: results must be the same as live. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayTest {

    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = new TestCluster("Replay", TestFunctions.registry(), 0);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void sequenceReplaysToTheSameOutput() {
        String id = cluster.start("HelloCities", null);
        assertEquals(Json.toTree(new String[]{"Hello Tokyo!", "Hello Seattle!", "Hello London!"}),
                cluster.awaitRuntimeStatus(id, "Completed").get("output"));
    }

    @Test
    void fanOutAndSubOrchestrationReplay() {
        assertEquals(385, cluster.awaitRuntimeStatus(cluster.start("FanOutFanIn", 10), "Completed").get("output").asLong());
        assertEquals(3, cluster.awaitRuntimeStatus(cluster.start("Parent", null), "Completed").get("output").size());
    }

    @Test
    void retriesReplay() {
        assertEquals("succeeded after 3 attempts",
                cluster.awaitRuntimeStatus(cluster.start("RetryFlaky", null), "Completed").get("output").asText());
    }

    @Test
    void nonDeterministicCodeFailsWithAClearMessage() {
        String id = cluster.start("Flip", null);
        JsonNode status = cluster.awaitRuntimeStatus(id, "Failed");
        String output = status.get("output").asText();
        assertTrue(output.contains("Non-deterministic"), output);
        assertTrue(output.contains("activity 'SayHello'") && output.contains("activity 'Square'"), output);
        assertEquals("NonDeterministicOrchestrationException", status.path("failureDetails").path("errorType").asText(), status.toString());
    }
}
