package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.sidecar.workitems.SdkWorkers;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.EntityOperationFailedException;
import io.durablekafka.sdk.FunctionRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Durable entities written with the official Durable Task JavaScript SDK (examples/durabletask-js/counter-entity.js:
 * {@code TaskEntity} classes registered with {@code worker.addNamedEntity}) run on a real cluster with SDK workers
 * on: many signals in batches with an exact total, an operation that throws (rolled back alone; an orchestration's
 * call sees the failure), calls from an in-process Java orchestration, the state read back through gRPC
 * {@code GetEntity} and the HTTP API, and entity actions (a signal to another entity, an orchestration start).
 * Skipped when this machine has no Node.js or npm cannot install the SDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurableTaskJsEntityTest {

    private static final Path EXAMPLE = Path.of("..", "examples", "durabletask-js");

    private TestCluster cluster;
    private SdkWorkers relay;
    private Gateway gateway;

    /** The cluster's own (Java) functions the script uses. */
    private static FunctionRegistry registry() {
        return FunctionRegistry.builder()
                // Input {"entity": "@name@key", "op", "input"?}: calls the entity; outputs its result or the failure.
                .addOrchestration("CallSdkEntity", ctx -> {
                    JsonNode in = ctx.getInput(JsonNode.class);
                    EntityInstanceId entity = EntityInstanceId.parse(in.path("entity").asText());
                    try {
                        ctx.complete(ctx.callEntity(entity, in.path("op").asText(), in.get("input"), JsonNode.class)
                                .await());
                    } catch (EntityOperationFailedException e) {
                        ctx.complete("failed: " + e.getErrorDetails().errorMessage());
                    }
                })
                .build();
    }

    @BeforeAll
    void start() {
        cluster = new TestCluster("SdkJsEntities", registry(), Map.of(NodeOptions.SDK_WORKERS, "true"));
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
    void entitiesWrittenWithTheJavaScriptSdkRunOnTheEngine() throws Exception {
        Path dir = Path.of("target", "durabletask-js").toAbsolutePath();
        Files.createDirectories(dir);
        for (String file : List.of("package.json", "counter-entity.js")) {
            Files.copy(EXAMPLE.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Assumptions.assumeTrue(ExternalProgram.run(dir, Map.of(), 30, "node", "--version") == 0,
                "no Node.js here: JavaScript SDK not run");
        if (!Files.isDirectory(dir.resolve("node_modules").resolve("@microsoft").resolve("durabletask-js"))) {
            Assumptions.assumeTrue(ExternalProgram.run(dir, Map.of(), 240, "npm", "install", "--no-audit", "--no-fund") == 0,
                    "npm could not install @microsoft/durabletask-js (no network?): not run; see " + dir.resolve("npm.log"));
        }
        String key = "k" + System.nanoTime();

        int exit = ExternalProgram.run(dir, Map.of(), 240, "node", "counter-entity.js", "localhost:" + gateway.grpcPort(),
                key, "calls");

        String log = Files.readString(dir.resolve("node.log"));
        assertEquals(0, exit, () -> "node counter-entity.js (exit " + exit + "): " + tail(log));
        String line = log.lines().filter(l -> l.startsWith("{\"key\":\"" + key + "\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result line in " + dir.resolve("node.log")));
        JsonNode result = Json.MAPPER.readTree(line);
        // 200 signals of add(1) and one of fail() among them: exactly 200 (read through gRPC GetEntity).
        assertEquals(200, result.path("total").asInt(), line);
        // An in-process Java orchestration's calls: the result, then the failure of the operation that throws.
        assertEquals(201, result.path("called").asInt(), line);
        assertEquals("failed: counter failed on purpose", result.path("failedCall").asText(), line);
        assertEquals(201, result.path("afterFailedCall").asInt(), "the failed operation was rolled back: " + line);
        // Actions: signals to another entity, an orchestration started (greet, a JavaScript orchestration).
        assertEquals(12, result.path("relayed").asInt(), line);
        assertEquals("hello " + key, result.path("startedOutput").asText(), line);
        assertEquals(2, result.path("relayState").asInt(), line);

        // The same state through the HTTP API: one engine under both.
        HttpResponse<String> entity = cluster.get("/runtime/webhooks/durabletask/entities/jscounter/" + key);
        assertEquals(200, entity.statusCode(), entity.body());
        assertEquals(201, Json.MAPPER.readTree(entity.body()).asInt(), entity.body());
        JsonNode started = cluster.awaitDone(result.path("startedInstance").asText());
        assertEquals("Completed", started.path("runtimeStatus").asText(), started.toString());
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
