package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** With the execution cache off every step replays history: entity calls, signals and locks replay too. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EntityReplayTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = new TestCluster("EntityReplay", EntityTestFunctions.registry(), 0);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void transferReplaysItsCriticalSection() {
        String key = Long.toString(System.nanoTime(), 36);
        cluster.send(SignalEntity.of("@account@a-" + key, "deposit", Json.toTree(30)));
        cluster.statusTopic().awaitState("@account@a-" + key, 30, WAIT);
        String ok = cluster.start("Transfer", Map.of("from", "a-" + key, "to", "b-" + key, "amount", 20));
        JsonNode out = cluster.awaitRuntimeStatus(ok, "Completed").path("output");
        assertTrue(out.path("transferred").asBoolean(), out.toString());
        assertEquals(10, out.path("fromBalance").asLong());
        assertEquals(20, out.path("toBalance").asLong());
        String refused = cluster.start("Transfer", Map.of("from", "a-" + key, "to", "b-" + key, "amount", 20));
        assertTrue(!cluster.awaitRuntimeStatus(refused, "Completed").path("output").path("transferred").asBoolean());
        cluster.statusTopic().awaitState("@account@b-" + key, 20, WAIT);
    }

    @Test
    void signalsCallsAndLockRulesReplay() {
        String key = "replay-" + Long.toString(System.nanoTime(), 36);
        assertEquals(10, cluster.awaitRuntimeStatus(cluster.start("SignalSignalGet", key), "Completed").path("output").asInt());
        JsonNode rules = cluster.awaitRuntimeStatus(cluster.start("BreakLockRules", key + "-rules"), "Completed").path("output");
        assertEquals(6, rules.size(), rules.toString());
        String failed = cluster.start("LockAndFail", key);
        cluster.awaitRuntimeStatus(failed, "Failed");
        assertEquals(11, cluster.awaitRuntimeStatus(cluster.start("LockAndGet", key), "Completed").path("output").asInt());
        String withdraw = cluster.start("Withdraw", Map.of("account", key, "amount", 1));
        assertTrue(cluster.awaitRuntimeStatus(withdraw, "Completed").path("output").asText().startsWith("failed: "));
    }
}
