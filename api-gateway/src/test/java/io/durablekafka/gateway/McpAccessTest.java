package io.durablekafka.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.gateway.mcp.McpEndpoint;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The MCP endpoint behind the system keys of the HTTP API, and its Origin rule. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpAccessTest {

    private static final String KEY = "mcp-test-key";
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HubFixture hub;
    private Gateway gateway;

    @BeforeAll
    void start() {
        hub = new HubFixture("mcpauth");
        gateway = hub.gateway(o -> o.withSystemKey(KEY));
    }

    @AfterAll
    void stop() {
        hub.close();
    }

    @Test
    void theSdkClientConnectsWithTheKeyInTheHeaderOrInCode() {
        try (McpSyncClient client = client(b -> b.requestBuilder(HttpRequest.newBuilder()
                .header("x-functions-key", KEY)))) {
            client.initialize();
            assertEquals(16, client.listTools().tools().size());
            // The key reaches the route: the answer is the route's 200, not 401.
            McpSchema.CallToolResult list = client.callTool(new McpSchema.CallToolRequest("listinstances", Map.of()));
            assertFalse(Boolean.TRUE.equals(list.isError()), list.toString());
        }
        try (McpSyncClient client = client(b -> b.endpoint(McpEndpoint.PATH + "?code=" + KEY))) {
            client.initialize();
            McpSchema.CallToolResult missing = client.callTool(new McpSchema.CallToolRequest("getinstancestatus",
                    Map.of("instanceId", "nope")));
            assertEquals(Boolean.TRUE, missing.isError());
            assertTrue(((McpSchema.TextContent) missing.content().getFirst()).text().contains("InstanceNotFound"),
                    missing.toString());
        }
    }

    @Test
    void withoutAValidKeyTheEndpointAnswers401LikeTheApi() throws Exception {
        HttpResponse<String> none = initialize(null, null);
        assertEquals(401, none.statusCode(), none.body());
        JsonNode body = HubFixture.json(none);
        assertEquals("Unauthorized", body.get("error").asText());
        HttpResponse<String> api = HubFixture.get(HubFixture.instancesUrl(gateway));
        assertEquals(HubFixture.json(api), body, "the HTTP API's own 401");

        HttpResponse<String> wrong = initialize("not-the-key", null);
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertEquals("The system key is not valid.", HubFixture.json(wrong).get("message").asText());
    }

    @Test
    void foreignOriginsAreRefusedLocalOnesAndNoOriginAccepted() throws Exception {
        assertEquals(403, initialize(KEY, "https://evil.example").statusCode());
        assertEquals(403, initialize(KEY, "http://localhost.evil.example").statusCode());
        assertEquals(200, initialize(KEY, "http://localhost:6274").statusCode(), "the MCP inspector's origin");
        assertEquals(200, initialize(KEY, "http://127.0.0.1").statusCode());
        assertEquals(200, initialize(KEY, null).statusCode(), "no Origin: not a browser");
    }

    private HttpResponse<String> initialize(String key, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + McpEndpoint.PATH))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE));
        if (key != null) {
            b.header("x-functions-key", key);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private McpSyncClient client(UnaryOperator<HttpClientStreamableHttpTransport.Builder> customize) {
        return McpClient.sync(customize.apply(HttpClientStreamableHttpTransport.builder(gateway.baseUrl())
                        .endpoint(McpEndpoint.PATH)).build())
                .requestTimeout(Duration.ofSeconds(30)).build();
    }
}
