package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.gateway.mcp.McpEndpoint;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.kafka.SharedKafka;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's MCP server through the SDK's own client (Streamable HTTP) against real nodes and workers: it lists
 * the tools and calls every one of them, and each does what its HTTP route does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpEndToEndTest {

    private static final String API = "/runtime/webhooks/durabletask";
    private static final Set<String> TOOLS = Set.of("startorchestration", "startorchestrationwithid", "listinstances",
            "purgeinstances", "getinstancestatus", "purgeinstance", "raiseevent", "terminateinstance",
            "suspendinstance", "resumeinstance", "rewindinstance", "getentity", "signalentity", "listentities",
            "waitforinstance", "getinstancehistory");
    private TestCluster cluster;
    private McpSyncClient client;
    private final Instant started = Instant.now().minusSeconds(5);

    @BeforeAll
    void start() {
        cluster = new TestCluster("Mcp", TestFunctions.registry());
        client = McpClient.sync(HttpClientStreamableHttpTransport.builder(cluster.baseUrl())
                        .endpoint(McpEndpoint.PATH).build())
                .requestTimeout(Duration.ofSeconds(90))
                .build();
        client.initialize();
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.closeGracefully();
        }
        cluster.close();
    }

    @Test
    void listsTheToolsWithSchemasAndHints() {
        List<McpSchema.Tool> tools = client.listTools().tools();
        assertEquals(new TreeSet<>(TOOLS), tools.stream().map(McpSchema.Tool::name).collect(Collectors.toCollection(TreeSet::new)));
        Map<String, McpSchema.Tool> byName = tools.stream().collect(Collectors.toMap(McpSchema.Tool::name, t -> t));

        McpSchema.Tool list = byName.get("listinstances");
        assertEquals("List instances", list.description());
        assertEquals(Boolean.TRUE, list.annotations().readOnlyHint());
        assertEquals(Boolean.TRUE, list.annotations().idempotentHint());
        assertEquals(Boolean.FALSE, list.annotations().destructiveHint());
        assertTrue(properties(list).keySet().containsAll(Set.of("createdTimeFrom", "createdTimeTo", "runtimeStatus",
                "instanceIdPrefix", "showInput", "top", "continuationToken", "taskHub", "connection")));
        assertEquals("integer", ((Map<?, ?>) properties(list).get("top")).get("type"));

        McpSchema.Tool purge = byName.get("purgeinstance");
        assertEquals(Boolean.TRUE, purge.annotations().destructiveHint());
        assertEquals(Boolean.TRUE, purge.annotations().idempotentHint());
        assertEquals(Boolean.FALSE, purge.annotations().readOnlyHint());
        assertEquals(Boolean.TRUE, byName.get("purgeinstances").annotations().destructiveHint());

        McpSchema.Tool startWithId = byName.get("startorchestrationwithid");
        assertEquals("Start orchestration with explicit instance ID", startWithId.description());
        assertEquals(List.of("functionName", "instanceId"), startWithId.inputSchema().get("required"));
        assertEquals(Boolean.FALSE, startWithId.annotations().readOnlyHint());
        assertEquals(Boolean.FALSE, startWithId.annotations().idempotentHint());
        for (String name : List.of("getinstancestatus", "getentity", "listentities", "waitforinstance",
                "getinstancehistory")) {
            assertEquals(Boolean.TRUE, byName.get(name).annotations().readOnlyHint(), name);
        }
        for (McpSchema.Tool tool : tools) {
            assertNotNull(tool.outputSchema(), tool.name());
            assertEquals("object", tool.outputSchema().get("type"), tool.name());
        }
    }

    @Test
    void startWaitStatusHistoryListAndPurge() {
        String prefix = "mcp-list-" + System.nanoTime() + "-";
        Map<String, Object> first = ok("startorchestrationwithid", Map.of("functionName", "HelloCities",
                "instanceId", prefix + "1"));
        assertEquals(prefix + "1", first.get("id"));
        assertTrue(first.get("statusQueryGetUri").toString().startsWith(cluster.baseUrl() + API + "/instances/"));
        String second = (String) ok("startorchestration", Map.of("functionName", "HelloCities")).get("id");

        Map<String, Object> waited = ok("waitforinstance", Map.of("instanceId", prefix + "1", "timeoutSeconds", 30));
        assertEquals(true, waited.get("finished"));
        assertEquals("Completed", ((Map<?, ?>) waited.get("status")).get("runtimeStatus"));
        assertEquals(List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!"),
                ((Map<?, ?>) waited.get("status")).get("output"));
        assertEquals(true, ok("waitforinstance", Map.of("instanceId", second)).get("finished"));

        Map<String, Object> status = ok("getinstancestatus", Map.of("instanceId", prefix + "1", "showInput", false));
        assertEquals("HelloCities", status.get("name"));
        assertEquals("Completed", status.get("runtimeStatus"));
        assertEquals(json(cluster.get(API + "/instances/" + prefix + "1?showInput=false").body()),
                Json.MAPPER.valueToTree(status), "the tool answers what the route answers");

        List<?> history = (List<?>) ok("getinstancehistory", Map.of("instanceId", prefix + "1")).get("historyEvents");
        assertTrue(history.size() >= 5, "history: " + history);
        assertTrue(history.stream().anyMatch(e -> "ExecutionCompleted".equals(((Map<?, ?>) e).get("EventType"))),
                "history: " + history);

        ok("startorchestrationwithid", Map.of("functionName", "HelloCities", "instanceId", prefix + "2"));
        ok("waitforinstance", Map.of("instanceId", prefix + "2"));
        Map<String, Object> page1 = ok("listinstances", Map.of("instanceIdPrefix", prefix, "top", 1,
                "runtimeStatus", "Completed"));
        assertEquals(1, ((List<?>) page1.get("instances")).size());
        assertNotNull(page1.get("continuationToken"), "page 1: " + page1);
        Map<String, Object> page2 = ok("listinstances", Map.of("instanceIdPrefix", prefix, "top", 1,
                "runtimeStatus", "Completed", "continuationToken", page1.get("continuationToken")));
        assertEquals(prefix + "2", ((Map<?, ?>) ((List<?>) page2.get("instances")).getFirst()).get("instanceId"));

        assertEquals(1, ok("purgeinstance", Map.of("instanceId", prefix + "1")).get("instancesDeleted"));
        String notFound = error("getinstancestatus", Map.of("instanceId", prefix + "1"));
        HttpResponse<String> http = cluster.get(API + "/instances/" + prefix + "1");
        assertEquals(404, http.statusCode());
        assertEquals(json(http.body()), json(notFound), "the tool error is the route's JSON error");

        Map<String, Object> purged = ok("purgeinstances", Map.of("createdTimeFrom", started.toString(),
                "runtimeStatus", "Completed"));
        assertTrue(((Number) purged.get("instancesDeleted")).intValue() >= 2, "purged: " + purged);
        assertEquals(404, cluster.get(API + "/instances/" + prefix + "2").statusCode());
    }

    @Test
    void suspendRaiseResumeTerminateAndRewind() {
        String id = "mcp-go-" + System.nanoTime();
        ok("startorchestrationwithid", Map.of("functionName", "WaitForGo", "instanceId", id));
        cluster.awaitRuntimeStatus(id, "Running");
        assertEquals(Map.of("accepted", true), ok("suspendinstance", Map.of("instanceId", id, "reason", "hold")));
        cluster.awaitRuntimeStatus(id, "Suspended");
        ok("raiseevent", Map.of("instanceId", id, "eventName", "Go", "eventData", "kept"));
        ok("resumeinstance", Map.of("instanceId", id, "reason", "go"));
        Map<String, Object> done = ok("waitforinstance", Map.of("instanceId", id, "timeoutSeconds", 30));
        assertEquals("kept", ((Map<?, ?>) done.get("status")).get("output"));
        String gone = error("raiseevent", Map.of("instanceId", id, "eventName", "Go"));
        assertEquals("InstanceEnded", json(gone).path("error").asText(), gone);
        assertEquals(json(cluster.post(API + "/instances/" + id + "/raiseEvent/Go", "").body()), json(gone));

        String doomed = "mcp-term-" + System.nanoTime();
        ok("startorchestrationwithid", Map.of("functionName", "WaitForGo", "instanceId", doomed));
        cluster.awaitRuntimeStatus(doomed, "Running");
        ok("terminateinstance", Map.of("instanceId", doomed, "reason", "enough"));
        Map<String, Object> terminated = ok("waitforinstance", Map.of("instanceId", doomed, "timeoutSeconds", 30));
        assertEquals("Terminated", ((Map<?, ?>) terminated.get("status")).get("runtimeStatus"));
        assertEquals("enough", ((Map<?, ?>) terminated.get("status")).get("output"));

        String failing = (String) ok("startorchestration", Map.of("functionName", "RewindMe")).get("id");
        Map<String, Object> failed = ok("waitforinstance", Map.of("instanceId", failing, "timeoutSeconds", 30));
        assertEquals("Failed", ((Map<?, ?>) failed.get("status")).get("runtimeStatus"));
        error("getinstancestatus", Map.of("instanceId", failing, "returnInternalServerErrorOnFailure", true));
        ok("rewindinstance", Map.of("instanceId", failing, "reason", "retry"));
        assertEquals("hello / ok on run 2", cluster.awaitRuntimeStatus(failing, "Completed").get("output").asText());
    }

    @Test
    void signalGetAndListEntities() {
        String key = "mcp-" + System.nanoTime();
        ok("signalentity", Map.of("entityName", "Counter", "entityKey", key, "op", "add", "input", 5));
        ok("signalentity", Map.of("entityName", "Counter", "entityKey", key, "op", "add", "input", 2));
        Conditions.await("the counter at 7", Duration.ofSeconds(30), () -> {
            McpSchema.CallToolResult r = call("getentity", Map.of("entityName", "Counter", "entityKey", key));
            return !Boolean.TRUE.equals(r.isError()) && Integer.valueOf(7).equals(
                    ((Map<?, ?>) r.structuredContent()).get("state"));
        });
        List<?> entities = (List<?>) ok("listentities", Map.of("entityName", "Counter", "fetchState", true))
                .get("entities");
        assertTrue(entities.stream().map(e -> (Map<?, ?>) e).anyMatch(e ->
                key.equals(((Map<?, ?>) e.get("entityId")).get("key")) && Integer.valueOf(7).equals(e.get("state"))),
                "entities: " + entities);

        String missingOp = error("signalentity", Map.of("entityName", "Counter", "entityKey", key));
        assertEquals("MissingOperation", json(missingOp).path("error").asText(), missingOp);
        String unknown = error("getentity", Map.of("entityName", "Counter", "entityKey", "no-such-" + key));
        assertEquals(json(cluster.get(API + "/entities/Counter/no-such-" + key).body()), json(unknown));
    }

    @Test
    void routeErrorsComeBackAsToolErrorsWithTheRoutesMessages() {
        String missing = error("purgeinstances", Map.of());
        assertEquals("Please provide value for 'createdTimeFrom' parameter.", json(missing).path("message").asText());
        String hub = error("listinstances", Map.of("taskHub", "NoSuchHub"));
        assertEquals("TaskHubNotFound", json(hub).path("error").asText(), hub);
        String badTop = error("listinstances", Map.of("top", -1));
        assertEquals(json(cluster.get(API + "/instances?top=-1").body()), json(badTop));
        String entityId = error("startorchestrationwithid", Map.of("functionName", "HelloCities",
                "instanceId", "@x@y"));
        assertEquals(json(cluster.post(API + "/orchestrators/HelloCities/@x@y", "").body()), json(entityId));
        // Path parameters are encoded as one segment each, and the server parses them as it parses remote requests.
        String slash = error("startorchestrationwithid", Map.of("functionName", "HelloCities", "instanceId", "a/b"));
        assertEquals("InvalidInstanceId", json(slash).path("error").asText(), slash);
        assertEquals(json(cluster.post(API + "/orchestrators/HelloCities/a%2Fb", "").body()), json(slash));
    }

    @Test
    void instanceIdsWithSpacesAndPlusSignsRoundTrip() {
        String id = "mcp a+b " + System.nanoTime();
        assertEquals(id, ok("startorchestrationwithid", Map.of("functionName", "HelloCities", "instanceId", id,
                "input", Map.of("ignored", List.of(1, 2)))).get("id"));
        Map<String, Object> done = ok("waitforinstance", Map.of("instanceId", id, "timeoutSeconds", 30));
        assertEquals(id, ((Map<?, ?>) done.get("status")).get("instanceId"));
        assertEquals(Map.of("ignored", List.of(1, 2)), ((Map<?, ?>) done.get("status")).get("input"));
    }

    @Test
    void aToolCallCarriesTheAgentsTraceContextToTheRecordsItWrites() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String id = "mcp-traced-" + System.nanoTime();
        try (McpSyncClient traced = McpClient.sync(HttpClientStreamableHttpTransport.builder(cluster.baseUrl())
                        .endpoint(McpEndpoint.PATH)
                        .requestBuilder(java.net.http.HttpRequest.newBuilder()
                                .header(TraceHeaders.TRACEPARENT, traceparent))
                        .build())
                .requestTimeout(Duration.ofSeconds(30)).build()) {
            traced.initialize();
            McpSchema.CallToolResult r = traced.callTool(new McpSchema.CallToolRequest("startorchestrationwithid",
                    Map.of("functionName", "HelloCities", "instanceId", id)));
            assertFalse(Boolean.TRUE.equals(r.isError()), r.toString());
        }
        assertEquals(traceparent, startTraceparent(id), "tracing is off here: the record carries the agent's context");
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The traceparent header of the instance's StartOrchestration record (null: none). */
    private String startTraceparent(String id) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "mcp-trace-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(cluster.topics.orchestrations()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header type = r.headers().lastHeader("dk.type");
                    if (id.equals(r.key()) && type != null
                            && "StartOrchestration".equals(new String(type.value(), StandardCharsets.UTF_8))) {
                        Header parent = r.headers().lastHeader(TraceHeaders.TRACEPARENT);
                        return parent == null ? null : new String(parent.value(), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        throw new AssertionError("no StartOrchestration record of " + id + " within 30 s");
    }

    private McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, new HashMap<>(args)));
    }

    /** Calls a tool that must succeed; returns its structured output. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> ok(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        assertFalse(Boolean.TRUE.equals(r.isError()), () -> tool + " " + args + " failed: " + text(r));
        assertNotNull(r.structuredContent(), tool);
        return (Map<String, Object>) r.structuredContent();
    }

    /** Calls a tool that must fail; returns its error text. */
    private String error(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        assertEquals(Boolean.TRUE, r.isError(), () -> tool + " " + args + " succeeded: " + r.structuredContent());
        return text(r);
    }

    private static String text(McpSchema.CallToolResult r) {
        return r.content().stream().filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    private static Map<?, ?> properties(McpSchema.Tool tool) {
        return (Map<?, ?>) tool.inputSchema().get("properties");
    }

    private static JsonNode json(String s) {
        return Json.fromBytes(s.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }
}
