package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.sidecar.workitems.SdkWorkers;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An orchestration written with the official Durable Task JavaScript SDK (examples/durabletask-js/entities.js) that
 * signals, calls and locks entities written in Java and run by the node (the samples' Counter and Account): the
 * protocol's entity actions and history events both ways, against a real cluster. Skipped like
 * {@link DurableTaskJsSdkTest} when there is no Node.js or npm cannot install the SDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurableTaskJsSdkEntitiesTest {

    private static final String API = "/runtime/webhooks/durabletask";

    private TestCluster cluster;
    private SdkWorkers relay;
    private Gateway gateway;

    @BeforeAll
    void start() {
        cluster = new TestCluster("SdkJsEntities", TestFunctions.registry(), Map.of(NodeOptions.SDK_WORKERS, "true"));
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", SharedKafka.bootstrapServers());
        relay = new SdkWorkers(kafka, cluster.topics);
        gateway = cluster.startSidecarGateway(SidecarOptions.onPort(0).withWorkItems(relay));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void aJavaScriptOrchestrationSignalsCallsAndLocksJavaEntities() throws Exception {
        Path dir = DurableTaskJsSdkTest.jsExample("entities.js");
        String key = "js-entities-" + System.nanoTime();

        int exit = ExternalProgram.run(dir, Map.of(), 180, "node", "entities.js", "localhost:" + gateway.grpcPort(), key);

        String log = Files.readString(dir.resolve("node.log"));
        assertEquals(0, exit, () -> "node entities.js (exit " + exit + "): " + tail(log));
        // The script prints one JSON line at the end (with its key: node.log is shared with other scripts' runs).
        String last = log.lines().filter(l -> l.startsWith("{\"instanceId\"") && l.contains(key)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result line in " + dir.resolve("node.log")));
        JsonNode result = Json.MAPPER.readTree(last);
        assertEquals(1, result.path("runtimeStatus").asInt(), "ORCHESTRATION_STATUS_COMPLETED: " + last);
        JsonNode output = result.path("output");
        assertEquals(10, output.path("counted").asInt(), "two signals of add 5, then the call of get: " + last);
        assertTrue(output.path("refused").asText().contains("insufficient funds"),
                "the entity's exception reached the JavaScript code as the call's failure: " + last);
        assertEquals(70, output.path("balances").path("from").asInt(), last);
        assertEquals(30, output.path("balances").path("to").asInt(), last);
        assertFalse(output.path("inCriticalSectionAfterRelease").asBoolean(), last);

        // The entities' states through the HTTP API: the engine ran the Java entities; the locks are gone.
        assertEquals("10", awaitEntity("Counter", key).body());
        assertEquals("70", awaitEntity("Account", key + "-from").body());
        assertEquals("30", awaitEntity("Account", key + "-to").body());
        assertEquals(202, cluster.post(API + "/entities/Account/" + key + "-to?op=deposit", "1").statusCode());
        awaitEntityState("Account", key + "-to", "31"); // a client operation runs: no lock is left behind

        // The instance's history, through the HTTP API: our entity events, with the SDK's requestIds kept.
        JsonNode status = cluster.status(result.path("instanceId").asText(), true);
        List<String> types = new ArrayList<>();
        status.path("historyEvents").forEach(e -> types.add(e.path("EventType").asText(e.path("eventType").asText())));
        for (String type : List.of("EntityOperationSignaled", "EntityOperationCalled", "EntityOperationCompleted",
                "EntityOperationFailed", "EntityLockRequested", "EntityLockGranted", "EntityUnlockSent")) {
            assertTrue(types.contains(type), type + " in " + types);
        }
    }

    private HttpResponse<String> awaitEntity(String name, String key) {
        return awaitEntityState(name, key, null);
    }

    /** The entity's state once it exists (and equals {@code state}, if given); fails after 30 s. */
    private HttpResponse<String> awaitEntityState(String name, String key, String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = cluster.get(API + "/entities/" + name + "/" + key);
            if (last.statusCode() == 200 && (state == null || state.equals(last.body()))) {
                return last;
            }
            TestCluster.pause();
        }
        throw new AssertionError("entity @" + name + "@" + key + " never had state " + state + ": "
                + (last == null ? "no answer" : last.statusCode() + " " + last.body()));
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
