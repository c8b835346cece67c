package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Entities through the HTTP API against a real node: signal, get, list with paging, delete. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EntityHttpTest {

    private static final String API = "/runtime/webhooks/durabletask";
    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = new TestCluster("EntityHttp", TestFunctions.registry());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private JsonNode awaitEntity(String path, java.util.function.Predicate<HttpResponse<String>> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = cluster.get(path);
            if (condition.test(last)) {
                return last.statusCode() == 200 ? Json.fromBytes(last.body().getBytes(StandardCharsets.UTF_8), JsonNode.class) : null;
            }
            TestCluster.pause();
        }
        throw new AssertionError(path + " did not reach the expected state; last: " + (last == null ? null : last.statusCode() + " " + last.body()));
    }

    @Test
    void signalCreatesTheEntityGetReadsItDeleteRemovesIt() {
        String key = "steps-" + System.nanoTime();
        assertEquals(202, cluster.post(API + "/entities/Counter/" + key + "?op=add", "5").statusCode());
        assertEquals(202, cluster.post(API + "/entities/Counter/" + key + "?op=add", "2").statusCode());
        JsonNode state = awaitEntity(API + "/entities/Counter/" + key, r -> r.statusCode() == 200 && r.body().equals("7"));
        assertEquals(7, state.asInt());

        assertEquals(202, cluster.send(HttpRequest.newBuilder(URI.create(cluster.baseUrl() + API + "/entities/Counter/" + key))
                .DELETE().build()).statusCode());
        awaitEntity(API + "/entities/Counter/" + key, r -> r.statusCode() == 404);

    }

    @Test
    void listPagesThroughEntitiesWithTheirState() {
        String prefix = "page-" + System.nanoTime() + "-";
        for (int i = 0; i < 5; i++) {
            cluster.post(API + "/entities/Counter/" + prefix + i + "?op=add", String.valueOf(i + 1));
        }
        for (int i = 0; i < 5; i++) {
            int expected = i + 1;
            awaitEntity(API + "/entities/Counter/" + prefix + i, r -> r.statusCode() == 200 && r.body().equals(String.valueOf(expected)));
        }
        Set<String> seen = new HashSet<>();
        String token = null;
        do {
            var request = HttpRequest.newBuilder(URI.create(cluster.baseUrl() + API + "/entities/Counter?fetchState=true&top=2")).GET();
            if (token != null) {
                request.header("x-ms-continuation-token", token);
            }
            HttpResponse<String> page = cluster.send(request.build());
            assertEquals(200, page.statusCode(), page.body());
            for (JsonNode entity : Json.fromBytes(page.body().getBytes(StandardCharsets.UTF_8), JsonNode.class)) {
                String key = entity.path("entityId").path("key").asText();
                assertTrue(seen.add(key), "repeated " + entity);
                if (key.startsWith(prefix)) {
                    int i = Integer.parseInt(key.substring(prefix.length()));
                    assertEquals(i + 1, entity.path("state").asInt(), entity.toString());
                }
            }
            token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
        } while (token != null);
        for (int i = 0; i < 5; i++) {
            assertTrue(seen.contains(prefix + i), "missing " + prefix + i + " in " + seen);
        }
    }
}
