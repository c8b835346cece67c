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
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A second language on the engine: the scripts of examples/durabletask-js, written with the official Durable Task
 * JavaScript SDK ({@code @microsoft/durabletask-js}), their workers and clients connected to a gateway's gRPC
 * endpoint, run by Node.js against one real cluster with SDK workers on: an orchestration with activities, a timer
 * and an event; an orchestration that signals, calls and locks the node's Java entities; entities written with the
 * SDK; the client's restart and ID listing (RPCs of the newer protocol revision). Skipped when this machine has no Node.js or npm cannot install the SDK (no network); the Java SDK's worker is
 * tested without those conditions in {@link SdkWorkerTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurableTaskJsSdkTest {

    private static final Path EXAMPLE = Path.of("..", "examples", "durabletask-js");
    private static final String API = "/runtime/webhooks/durabletask";

    private TestCluster cluster;
    private SdkWorkers relay;
    private Gateway gateway;

    @BeforeAll
    void start() {
        cluster = new TestCluster("SdkJs", TestFunctions.registry(), Map.of(NodeOptions.SDK_WORKERS, "true"));
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
    void theJavaScriptSdksWorkerAndClientRunAnOrchestration() throws Exception {
        JsonNode result = runScript("hello-sequence.js", "{\"instanceId\"");
        assertEquals(1, result.path("runtimeStatus").asInt(), "ORCHESTRATION_STATUS_COMPLETED: " + result);
        assertEquals(List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!", "Goodbye!"),
                Json.MAPPER.convertValue(result.path("output"), List.class), result.toString());
        // The same instance, seen through the HTTP API: one engine under both.
        JsonNode status = cluster.awaitDone(result.path("instanceId").asText());
        assertEquals("Completed", status.path("runtimeStatus").asText(), status.toString());
        assertEquals("helloSequence", status.path("name").asText(), status.toString());
    }

    @Test
    void aJavaScriptOrchestrationSignalsCallsAndLocksJavaEntities() throws Exception {
        String key = "js-entities-" + System.nanoTime();
        JsonNode result = runScript("entities.js", "{\"instanceId\"", key);
        assertTrue(result.toString().contains(key), "the result line of this run: " + result);
        assertEquals(1, result.path("runtimeStatus").asInt(), "ORCHESTRATION_STATUS_COMPLETED: " + result);
        JsonNode output = result.path("output");
        assertEquals(10, output.path("counted").asInt(), "two signals of add 5, then the call of get: " + result);
        assertTrue(output.path("refused").asText().contains("insufficient funds"),
                "the entity's exception reached the JavaScript code as the call's failure: " + result);
        assertEquals(70, output.path("balances").path("from").asInt(), result.toString());
        assertEquals(30, output.path("balances").path("to").asInt(), result.toString());
        assertFalse(output.path("inCriticalSectionAfterRelease").asBoolean(), result.toString());

        // The entities' states through the HTTP API: the engine ran the Java entities; the locks are gone.
        assertEquals("10", awaitEntityState("Counter", key, null).body());
        assertEquals("70", awaitEntityState("Account", key + "-from", null).body());
        assertEquals("30", awaitEntityState("Account", key + "-to", null).body());
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

    /**
     * Entities written with the SDK ({@code TaskEntity} classes registered with {@code worker.addNamedEntity}):
     * many signals in batches with an exact total, an operation that throws (rolled back alone; an orchestration's
     * call sees the failure), calls from an in-process Java orchestration ({@code CallSdkEntity}), the state read back
     * through gRPC {@code GetEntity} and the HTTP API, entity actions (a signal to another entity, an orchestration
     * start), and a JavaScript orchestration that signals, calls and locks a JavaScript entity.
     */
    @Test
    void entitiesWrittenWithTheJavaScriptSdkRunOnTheEngine() throws Exception {
        String key = "k" + System.nanoTime();
        JsonNode result = runScript("counter-entity.js", "{\"key\":\"" + key + "\"", key, "calls");
        // 200 signals of add(1) and one of fail() among them: exactly 200 (read through gRPC GetEntity).
        assertEquals(200, result.path("total").asInt(), result.toString());
        // An in-process Java orchestration's calls: the result, then the failure of the operation that throws.
        assertEquals(201, result.path("called").asInt(), result.toString());
        assertEquals("failed: counter failed on purpose", result.path("failedCall").asText(), result.toString());
        assertEquals(201, result.path("afterFailedCall").asInt(), "the failed operation was rolled back: " + result);
        // Actions: signals to another entity, an orchestration started (greet, a JavaScript orchestration).
        assertEquals(12, result.path("relayed").asInt(), result.toString());
        assertEquals("hello " + key, result.path("startedOutput").asText(), result.toString());
        assertEquals(2, result.path("relayState").asInt(), result.toString());

        // Both halves in JavaScript: an SDK orchestration signals, calls and locks an SDK entity.
        JsonNode js = result.path("fromJsOrchestration");
        assertEquals(7, js.path("added").asInt(), "signal add 3, then call add 4: " + result);
        assertEquals("counter failed on purpose", js.path("failed").asText(), result.toString());
        assertEquals(17, js.path("locked").asInt(), "the failed call changed nothing; add 10 under the lock: " + result);

        // The same state through the HTTP API: one engine under both.
        HttpResponse<String> entity = cluster.get(API + "/entities/jscounter/" + key);
        assertEquals(200, entity.statusCode(), entity.body());
        assertEquals(201, Json.MAPPER.readTree(entity.body()).asInt(), entity.body());
        JsonNode started = cluster.awaitDone(result.path("startedInstance").asText());
        assertEquals("Completed", started.path("runtimeStatus").asText(), started.toString());
    }

    /**
     * The client operations of the newer protocol revision, which the SDK calls as RPCs of their own:
     * {@code restartOrchestration} (same ID, new ID, refused while the instance runs, unknown ID) and
     * {@code listInstanceIds} (two IDs a page, a status filter, a completed-time filter).
     */
    @Test
    void theJavaScriptClientRestartsInstancesAndListsTheirIds() throws Exception {
        String key = "ops" + System.nanoTime();
        JsonNode result = runScript("client-operations.js", "{\"key\":\"" + key + "\"", key);
        assertEquals(key + "-one", result.path("restartedSameId").asText(), result.toString());
        assertEquals("ONE v1.2", result.path("restartedOutput").asText(), "the same input and version: " + result);
        assertEquals("one", result.path("restartedTags").path("word").asText(), "and tags: " + result);
        assertEquals(1, result.path("restartedStatus").asInt(), "COMPLETED: " + result);
        assertFalse(result.path("newId").asText().startsWith(key), result.toString());
        assertEquals("TWO v1.2", result.path("newIdOutput").asText(), result.toString());
        assertTrue(result.path("newIdListed").asBoolean(), result.toString());
        assertTrue(result.path("whileRunning").asText().contains("cannot be restarted"), result.toString());
        assertTrue(result.path("unknown").asText().contains("was not found"), result.toString());
        assertEquals(List.of(key + "-one", key + "-three", key + "-two"),
                Json.MAPPER.convertValue(result.path("listed"), List.class), "in ID order, the waiter not: " + result);
        assertTrue(result.path("pages").asInt() >= 2, "two IDs a page, at least four completed: " + result);
        assertEquals(0, result.path("futureCount").asInt(), result.toString());
        assertEquals(List.of(key + "-waiter"), Json.MAPPER.convertValue(result.path("runningListed"), List.class),
                result.toString());
        assertEquals("went", result.path("waiterOutput").asText(), result.toString());

        // The restart under the same ID through the HTTP API: a run of its own, completed.
        JsonNode status = cluster.awaitDone(key + "-one");
        assertEquals("Completed", status.path("runtimeStatus").asText(), status.toString());
    }

    /**
     * Runs {@code node <script> localhost:<grpc port> <args>} in target/durabletask-js (the SDK installed there once)
     * and returns the last line it printed that starts with {@code resultPrefix}: each script prints one JSON line at
     * the end, after the SDK's own log lines. Skips the calling test when there is no Node.js or npm cannot install
     * the SDK.
     */
    private JsonNode runScript(String script, String resultPrefix, String... args) throws Exception {
        Path dir = jsExample(script);
        List<String> command = new ArrayList<>(List.of("node", script, "localhost:" + gateway.grpcPort()));
        command.addAll(List.of(args));

        int exit = ExternalProgram.run(dir, Map.of(), 240, command.toArray(String[]::new));

        String log = Files.readString(dir.resolve("node.log"));
        assertEquals(0, exit, () -> "node " + script + " (exit " + exit + "): " + tail(log));
        String last = log.lines().filter(l -> l.startsWith(resultPrefix)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result line of " + script + " in " + dir.resolve("node.log")));
        return Json.MAPPER.readTree(last);
    }

    private static Path jsExample(String script) throws IOException, InterruptedException {
        Path dir = Path.of("target", "durabletask-js").toAbsolutePath();
        Files.createDirectories(dir);
        for (String file : List.of("package.json", script)) {
            Files.copy(EXAMPLE.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Assumptions.assumeTrue(ExternalProgram.run(dir, Map.of(), 30, "node", "--version") == 0, "no Node.js here: JavaScript SDK not run");
        if (!Files.isDirectory(dir.resolve("node_modules").resolve("@microsoft").resolve("durabletask-js"))) {
            Assumptions.assumeTrue(ExternalProgram.run(dir, Map.of(), 240, "npm", "install", "--no-audit", "--no-fund") == 0,
                    "npm could not install @microsoft/durabletask-js (no network?): not run; see " + dir.resolve("npm.log"));
        }
        return dir;
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
