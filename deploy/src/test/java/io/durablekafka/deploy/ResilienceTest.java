package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.serde.Json;
import io.durablekafka.node.OrchestratorNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Nodes come and go; instances continue with neither lost nor duplicated history. */
class ResilienceTest {

    @Test
    void nodeStoppedMidOrchestrationAndStartedAgainCompletesItWithoutDuplicates() {
        try (TestCluster cluster = new TestCluster("Restart", TestFunctions.registry())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(cluster.start("TimerThenWait", null));
            }
            String sequence = cluster.start("HelloSequence5", null);
            ids.forEach(id -> cluster.awaitRuntimeStatus(id, "Running"));

            // The new node restores state from changelogs into an empty state directory.
            cluster.stopNode(cluster.nodes().getFirst());
            cluster.startNode().awaitRunning(Duration.ofSeconds(60));

            ids.forEach(id -> cluster.send(new RaiseEvent(id, "Go", Json.toTree("after restart " + id))));
            for (String id : ids) {
                assertEquals("after restart " + id, cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
                assertNoDuplicateSteps(cluster.status(id, true).get("historyEvents"));
            }
            assertEquals(5, cluster.awaitRuntimeStatus(sequence, "Completed").get("output").size());
            assertNoDuplicateSteps(cluster.status(sequence, true).get("historyEvents"));
        }
    }

    @Test
    void twoNodesShareThePartitionsAndBothProcessInstances() {
        try (TestCluster cluster = new TestCluster("TwoNodes", TestFunctions.registry())) {
            OrchestratorNode second = cluster.startNode();
            OrchestratorNode first = cluster.nodes().getFirst();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (first.activePartitions().isEmpty() || second.activePartitions().isEmpty()
                    || first.activePartitions().size() + second.activePartitions().size() != 4) {
                assertTrue(System.nanoTime() < deadline, "partitions not shared: " + first.activePartitions()
                        + " / " + second.activePartitions());
                TestCluster.pause();
            }
            Set<Integer> overlap = new HashSet<>(first.activePartitions());
            overlap.retainAll(second.activePartitions());
            assertTrue(overlap.isEmpty(), "a partition owned twice: " + overlap);

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(cluster.start("HelloCities", null));
            }
            Set<Integer> partitionsUsed = new HashSet<>();
            for (String id : ids) {
                assertEquals(3, cluster.awaitRuntimeStatus(id, "Completed").get("output").size());
                partitionsUsed.add(org.apache.kafka.common.utils.Utils.toPositive(
                        org.apache.kafka.common.utils.Utils.murmur2(id.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 4);
            }
            boolean firstServed = partitionsUsed.stream().anyMatch(first.activePartitions()::contains);
            boolean secondServed = partitionsUsed.stream().anyMatch(second.activePartitions()::contains);
            assertTrue(firstServed && secondServed, "instances in partitions " + partitionsUsed + ", nodes own "
                    + first.activePartitions() + " and " + second.activePartitions());
        }
    }

    static void assertNoDuplicateSteps(JsonNode history) {
        Set<String> seen = new HashSet<>();
        for (JsonNode e : history) {
            String type = e.path("EventType").asText();
            if (type.startsWith("Task") || type.equals("ExecutionStarted") || type.equals("ExecutionCompleted")
                    || type.equals("TimerFired") || type.equals("EventRaised")) {
                assertTrue(seen.add(e.toString().replaceAll("\"Timestamp\":\"[^\"]*\"", "")),
                        "duplicate " + e + " in " + history);
            }
        }
        assertFalse(seen.isEmpty());
    }

    @Test
    void nodeKilledMidOrchestrationLosesNothing() throws Exception {
        try (TestCluster cluster = new TestCluster("Kill", TestFunctions.registry(), 2000, false)) {
            Process node = cluster.startNodeProcess();
            List<String> waiting = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiting.add(cluster.start("TimerThenWait", null));
            }
            List<String> fanOuts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fanOuts.add(cluster.start("FanOutFanIn", 50));
            }
            waiting.forEach(id -> cluster.awaitStatus(id, Duration.ofSeconds(90),
                    s -> "Running".equals(s.path("runtimeStatus").asText())));

            // No shutdown: the process dies with whatever transaction it had open.
            node.destroyForcibly().waitFor();
            cluster.startNodeProcess();

            waiting.forEach(id -> cluster.send(new RaiseEvent(id, "Go", Json.toTree("survived " + id))));
            for (String id : waiting) {
                JsonNode done = cluster.awaitStatus(id, Duration.ofSeconds(90), s -> "Completed".equals(s.path("runtimeStatus").asText()));
                assertEquals("survived " + id, done.get("output").asText());
                assertNoDuplicateSteps(cluster.status(id, true).get("historyEvents"));
            }
            for (String id : fanOuts) {
                JsonNode done = cluster.awaitStatus(id, Duration.ofSeconds(90), s -> "Completed".equals(s.path("runtimeStatus").asText()));
                assertEquals(50L * 51 * 101 / 6, done.get("output").asLong());
                assertNoDuplicateSteps(cluster.status(id, true).get("historyEvents"));
            }
        }
    }
}
