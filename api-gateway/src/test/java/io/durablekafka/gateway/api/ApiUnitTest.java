package io.durablekafka.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.GatewayOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The API's building blocks without Kafka. */
class ApiUnitTest {

    @Test
    void instanceIds() {
        assertTrue(InstanceIds.generate().matches("[0-9a-f]{32}"));
        for (String bad : new String[]{"", "a".repeat(257), "a/b", "a\\b", "a#b", "a?b", "a\u0000b", "a\tb", "a\u007fb", "a\u0085b"}) {
            ApiException e = assertThrows(ApiException.class, () -> InstanceIds.validate(bad), bad);
            assertEquals(400, e.status());
            assertEquals("InvalidInstanceId", e.error());
        }
        assertEquals("x".repeat(256), InstanceIds.validate("x".repeat(256)));
        assertEquals("ünïcode id:1|2", InstanceIds.validate("ünïcode id:1|2"));
    }

    @Test
    void managementUrlsEncodeIdsAndCarryTheQuery() {
        ManagementUrls urls = new ManagementUrls("https://gw.example.com/", "MyHub", null, "se cret&");
        assertEquals("https://gw.example.com/runtime/webhooks/durabletask/instances/a%20b%2Bc%2Fd?taskHub=MyHub"
                + "&connection=Storage&code=se%20cret%26", urls.statusQueryGetUri("a b+c/d"));
        assertEquals("https://gw.example.com/runtime/webhooks/durabletask/instances/x/terminate?reason={text}"
                + "&taskHub=MyHub&connection=Storage&code=se%20cret%26", urls.terminatePostUri("x"));
        ManagementUrls noCode = new ManagementUrls("http://h:1", "MyHub", "Conn", null);
        assertEquals("http://h:1/runtime/webhooks/durabletask/instances/x/raiseEvent/{eventName}?taskHub=MyHub"
                + "&connection=Conn", noCode.sendEventPostUri("x"));
    }

    @Test
    void bodyParsing() throws Exception {
        assertNull(JsonResponses.parseBody(new byte[0]));
        assertNull(JsonResponses.parseBody(" \n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Json.MAPPER.readTree("null"), JsonResponses.parseBody("null".getBytes(StandardCharsets.UTF_8)));
        assertEquals("é", JsonResponses.parseBody("\"é\"".getBytes(StandardCharsets.UTF_8)).asText());
        assertEquals("InvalidJson", assertThrows(ApiException.class,
                () -> JsonResponses.parseBody("[1,".getBytes(StandardCharsets.UTF_8))).error());
        assertEquals("InvalidJson", assertThrows(ApiException.class,
                () -> JsonResponses.parseBody("1 2".getBytes(StandardCharsets.UTF_8))).error());
    }

    @Test
    void timesHaveSecondsPrecision() {
        assertEquals("2018-02-28T05:18:49Z", StatusRenderer.seconds(Instant.parse("2018-02-28T05:18:49.9452372Z")));
        assertNull(StatusRenderer.seconds(null));
    }

    @Test
    void unexpectedErrorsAre500WithAJsonBody() throws Exception {
        Router router = new Router().add("POST", "/runtime/webhooks/durabletask/boom", "boom", false, call -> {
            throw new NullPointerException("no views here");
        });
        Hubs hubs = new Hubs(List.of(new HubServices(new TopicNames("unit-hub"), null, null)), List.of("Storage"),
                null, Map.of());
        try (HttpApi http = new HttpApi(router, hubs, 1000, null)) {
            int port = http.start(0);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/runtime/webhooks/durabletask/boom"))
                    .POST(HttpRequest.BodyPublishers.ofString("1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            JsonNode body = Json.MAPPER.readTree(r.body());
            assertEquals("InternalServerError", body.get("error").asText());
            assertTrue(body.get("message").asText().contains("NullPointerException"), r.body());

            HttpResponse<String> other = client.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/runtime/webhooks/durabletask/boom"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, other.statusCode(), other.body());
            assertEquals("POST", other.headers().firstValue("Allow").orElseThrow());
            assertTrue(other.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            assertEquals("MethodNotAllowed", Json.MAPPER.readTree(other.body()).get("error").asText());

            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/nothing/here")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode(), missing.body());
            assertEquals("NotFound", Json.MAPPER.readTree(missing.body()).get("error").asText());
        }
    }

    @Test
    void optionsFromSettings() {
        Settings settings = Settings.of(Map.of("dk.bootstrap.servers", "k:9092", "dk.task.hub", "Hub1",
                "dk.gateway.public.base.url", "https://api.example.com/", "dk.gateway.data.dir", "/var/dk",
                "dk.kafka.security.protocol", "SSL"));
        GatewayOptions o = GatewayOptions.fromSettings(settings, Set.of("A"));
        assertEquals("k:9092", o.bootstrapServers());
        assertEquals("Hub1", o.topics().taskHub());
        assertEquals(GatewayOptions.DEFAULT_PORT, o.port());
        assertEquals("https://api.example.com", o.publicBaseUrl());
        assertEquals(Path.of("/var/dk"), o.dataDir());
        assertEquals(Set.of("A"), o.knownOrchestrations());
        assertEquals("SSL", o.kafkaOverrides().getProperty("security.protocol"));
        assertEquals(8080, GatewayOptions.fromSettings(settings.with("dk.gateway.port", "8080"), Set.of()).port());
    }
}
