package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.sidecar.workitems.SdkWorkers;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
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
 * A second language on the engine: examples/durabletask-js, an orchestration and its activity written with the
 * official Durable Task JavaScript SDK ({@code @microsoft/durabletask-js}), its worker and client connected to a
 * gateway's gRPC endpoint, run by Node.js against a real cluster. Skipped when this machine has no Node.js or npm
 * cannot install the SDK (no network); the Java SDK's worker is tested without those conditions in
 * {@link SdkWorkerTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurableTaskJsSdkTest {

    private static final Path EXAMPLE = Path.of("..", "examples", "durabletask-js");

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

    /**
     * target/durabletask-js with {@code script} of examples/durabletask-js and the SDK installed; skips the calling
     * test (an assumption) when there is no Node.js or npm cannot install the SDK.
     */
    static Path jsExample(String script) throws java.io.IOException, InterruptedException {
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

    @Test
    void theJavaScriptSdksWorkerAndClientRunAnOrchestration() throws Exception {
        Path dir = jsExample("hello-sequence.js");

        int exit = ExternalProgram.run(dir, Map.of(), 180, "node", "hello-sequence.js", "localhost:" + gateway.grpcPort());

        String log = Files.readString(dir.resolve("node.log"));
        assertEquals(0, exit, () -> "node hello-sequence.js (exit " + exit + "): " + tail(log));
        // The script prints one JSON line at the end; the SDK's own log lines come before it.
        String last = log.lines().filter(l -> l.startsWith("{\"instanceId\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result line in " + dir.resolve("node.log")));
        JsonNode result = Json.MAPPER.readTree(last);
        assertEquals(1, result.path("runtimeStatus").asInt(), "ORCHESTRATION_STATUS_COMPLETED: " + last);
        assertEquals(List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!", "Goodbye!"),
                Json.MAPPER.convertValue(result.path("output"), List.class), last);
        // The same instance, seen through the HTTP API: one engine under both.
        JsonNode status = cluster.awaitDone(result.path("instanceId").asText());
        assertEquals("Completed", status.path("runtimeStatus").asText(), status.toString());
        assertEquals("helloSequence", status.path("name").asText(), status.toString());
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
