package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.PurgeInstance;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.messages.ResumeOrchestration;
import io.durablekafka.common.messages.SuspendOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.serde.Json;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The engine's features, end to end: timers, events, retries, failures, control messages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineTest {

    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = new TestCluster("Engine", TestFunctions.registry());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void durableTimerDelaysTheOrchestration() {
        String id = cluster.start("Sleep", null);
        long observedMillis = cluster.awaitRuntimeStatus(id, "Completed").get("output").asLong();
        assertTrue(observedMillis >= 1000, "timer fired after " + observedMillis + " ms");
    }

    @Test
    void eventRaisedAfterTheWaitIsDelivered() {
        String id = cluster.start("WaitForGo", null);
        cluster.awaitRuntimeStatus(id, "Running");
        cluster.send(new RaiseEvent(id, "Go", Json.toTree("after")));
        assertEquals("after", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
    }

    @Test
    void eventRaisedBeforeTheWaitIsBuffered() {
        String id = cluster.start("TimerThenWait", null);
        cluster.send(new RaiseEvent(id, "go", Json.toTree("early"))); // names match case-insensitively
        assertEquals("early", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
    }

    @Test
    void failedActivityIsRetriedByPolicyToSuccess() {
        String id = cluster.start("RetryFlaky", null);
        JsonNode status = cluster.awaitRuntimeStatus(id, "Completed");
        assertEquals("succeeded after 3 attempts", status.get("output").asText());
        JsonNode history = cluster.status(id, true).get("historyEvents");
        int failures = 0;
        for (JsonNode e : history) {
            if ("TaskFailed".equals(e.path("EventType").asText())) {
                failures++;
            }
        }
        assertEquals(2, failures, "history: " + history);
    }

    @Test
    void unhandledActivityFailureFailsTheOrchestrationWithDetails() {
        String id = cluster.start("Boom", null);
        JsonNode status = cluster.awaitRuntimeStatus(id, "Failed");
        String output = status.get("output").asText();
        assertTrue(output.contains("kaboom: no retry"), output);
        assertTrue(output.contains("Throw"), output);
    }

    @Test
    void unknownOrchestrationStartedFromKafkaFails() {
        String id = "unknown-" + System.nanoTime();
        cluster.send(io.durablekafka.common.messages.StartOrchestration.of(id, "NoSuchOrchestration", null));
        JsonNode status = cluster.awaitRuntimeStatus(id, "Failed");
        assertTrue(status.get("output").asText().contains("NoSuchOrchestration"), status.toString());
    }

    @Test
    void terminateEndsTheInstanceWithTheReasonAsOutput() {
        String id = cluster.start("WaitForGo", null);
        cluster.awaitRuntimeStatus(id, "Running");
        cluster.send(new TerminateOrchestration(id, "no longer needed"));
        assertEquals("no longer needed", cluster.awaitRuntimeStatus(id, "Terminated").get("output").asText());
        cluster.send(new RaiseEvent(id, "Go", Json.toTree("too late")));
        cluster.send(new ResumeOrchestration(id, "ignored"));
        assertEquals("Terminated", cluster.awaitRuntimeStatus(id, "Terminated").get("runtimeStatus").asText());
    }

    @Test
    void eventsRaisedWhileSuspendedAreDeliveredAfterResume() {
        String id = cluster.start("WaitForGo", null);
        cluster.awaitRuntimeStatus(id, "Running");
        cluster.send(new SuspendOrchestration(id, "pause"));
        cluster.awaitRuntimeStatus(id, "Suspended");
        cluster.send(new RaiseEvent(id, "Go", Json.toTree("held")));
        // The event is kept, not applied: the instance stays suspended until resumed.
        cluster.send(new RaiseEvent(id + "-other", "Nothing", null));
        assertEquals("Suspended", cluster.status(id, false).get("runtimeStatus").asText());
        cluster.send(new ResumeOrchestration(id, "go on"));
        assertEquals("held", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
    }

    @Test
    void historyHasNoDuplicateSteps() {
        String id = cluster.start("HelloCities", null);
        cluster.awaitRuntimeStatus(id, "Completed");
        JsonNode history = cluster.status(id, true).get("historyEvents");
        Set<String> seen = new HashSet<>();
        for (JsonNode e : history) {
            String type = e.path("EventType").asText();
            if (type.equals("TaskCompleted") || type.equals("ExecutionStarted") || type.equals("ExecutionCompleted")) {
                assertTrue(seen.add(type + e.path("Result")), "duplicate " + e + " in " + history);
            }
        }
        assertEquals(5, seen.size(), history.toString());
    }

    @Test
    void rewindRerunsTheFailedActivityButNotTheSuccessfulOne() {
        String id = cluster.start("RewindMe", null);
        cluster.awaitRuntimeStatus(id, "Failed");
        cluster.send(new RewindOrchestration(id, "fixed"));
        assertEquals("hello / ok on run 2", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
        assertEquals(1, TestFunctions.RUNS.get("CountedHello|" + id).get());
    }

    @Test
    void rewindOfAParentRewindsItsFailedSubOrchestration() {
        String id = cluster.start("RewindParent", null);
        cluster.awaitRuntimeStatus(id, "Failed");
        cluster.send(new RewindOrchestration(id, "fixed"));
        assertEquals("child said: hello / ok on run 2", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
    }

    @Test
    void purgeRemovesAnEndedInstance() {
        String id = cluster.start("HelloCities", null);
        cluster.awaitRuntimeStatus(id, "Completed");
        cluster.send(new PurgeInstance(id));
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (cluster.get("/runtime/webhooks/durabletask/instances/" + id).statusCode() != 404) {
            assertTrue(System.nanoTime() < deadline, "instance still visible after purge");
            TestCluster.pause();
        }
        // The ID can be used again after a purge.
        String again = cluster.post("/runtime/webhooks/durabletask/orchestrators/HelloCities/" + id, "").body();
        assertTrue(again.contains(id), again);
        assertEquals(3, cluster.awaitRuntimeStatus(id, "Completed").get("output").size());
    }

    @Test
    void purgeOfARunningInstanceIsRefused() {
        String id = cluster.start("WaitForGo", null);
        cluster.awaitRuntimeStatus(id, "Running");
        cluster.send(new PurgeInstance(id));
        cluster.send(new RaiseEvent(id, "Go", Json.toTree("still here")));
        assertEquals("still here", cluster.awaitRuntimeStatus(id, "Completed").get("output").asText());
    }

    @Test
    void aSubOrchestrationWhoseIdIsTakenFailsItsParentsTask() {
        String busy = cluster.start("WaitForGo", null);
        cluster.awaitRuntimeStatus(busy, "Running");
        String parent = cluster.start("ClashingChild", busy);
        assertEquals("InstanceAlreadyExists", cluster.awaitRuntimeStatus(parent, "Completed").get("output").asText());
        cluster.send(new RaiseEvent(busy, "Go", Json.toTree("unharmed")));
        assertEquals("unharmed", cluster.awaitRuntimeStatus(busy, "Completed").get("output").asText());
    }

    @Test
    void aScheduledStartWaitsUntilItsTimeAndKeepsEarlyEvents() {
        String id = "scheduled-" + System.nanoTime();
        java.time.Instant at = java.time.Instant.now().plusMillis(1500);
        cluster.send(new io.durablekafka.common.messages.StartOrchestration(id, "WaitForGo", null, null, at, java.time.Instant.now()));
        assertEquals("Pending", cluster.awaitRuntimeStatus(id, "Pending").get("runtimeStatus").asText());
        cluster.send(new RaiseEvent(id, "Go", Json.toTree("waited")));
        JsonNode done = cluster.awaitRuntimeStatus(id, "Completed");
        assertEquals("waited", done.get("output").asText());
        assertTrue(!java.time.Instant.parse(done.get("lastUpdatedTime").asText()).isBefore(at.minusSeconds(1)), done.toString());
        JsonNode history = cluster.status(id, true).get("historyEvents");
        assertTrue(!java.time.Instant.parse(history.get(0).get("Timestamp").asText()).isBefore(at), history.toString());
    }
}
