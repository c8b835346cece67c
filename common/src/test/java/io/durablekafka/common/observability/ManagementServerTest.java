package io.durablekafka.common.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management server's answers and the health checks' rules, without Kafka. */
class ManagementServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private Observability observability;
    private ManagementServer server;

    @BeforeEach
    void start() {
        observability = Observability.forProcess();
        server = ManagementServer.start(observability, 0);
    }

    @AfterEach
    void stop() {
        server.close();
        observability.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aProcessWithNoRoleIsLiveButNotReady() throws Exception {
        assertEquals(200, send("GET", "/healthz").statusCode());
        var ready = send("GET", "/readyz");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("\"status\":\"DOWN\"") && ready.body().contains("no role"), ready.body());
    }

    @Test
    void readinessFollowsEveryComponentAndNamesWhatIsNotReady() throws Exception {
        AtomicReference<HealthChecks.Check> worker = new AtomicReference<>(HealthChecks.Check.failing("joining"));
        AutoCloseable node = observability.health().register("node", () -> HealthChecks.Check.OK,
                () -> HealthChecks.Check.OK);
        observability.health().register("worker", () -> HealthChecks.Check.OK, worker::get);
        var notReady = send("GET", "/readyz");
        assertEquals(503, notReady.statusCode());
        assertEquals("{\"status\":\"DOWN\",\"checks\":{\"node\":{\"status\":\"UP\"},"
                + "\"worker\":{\"status\":\"DOWN\",\"detail\":\"joining\"}}}", notReady.body());
        assertTrue(notReady.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

        worker.set(HealthChecks.Check.OK);
        assertEquals(200, send("GET", "/readyz").statusCode());
        observability.health().register("node", () -> HealthChecks.Check.OK,
                () -> { throw new IllegalStateException("broken check"); });
        var second = send("GET", "/readyz");
        assertEquals(503, second.statusCode(), "a second node is node-2, and a check that throws fails");
        assertTrue(second.body().contains("\"node-2\":{\"status\":\"DOWN\",\"detail\":\"check failed: "), second.body());
        node.close();
        assertTrue(!send("GET", "/readyz").body().contains("\"node\":"), "closing the handle removes the checks");
    }

    @Test
    void metricsAreThePrometheusTextOfTheRegistry() throws Exception {
        observability.registry().counter("dk.test.things").increment(3);
        var metrics = send("GET", "/metrics");
        assertEquals(200, metrics.statusCode());
        assertEquals(ProbeResponses.METRICS_CONTENT_TYPE, metrics.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(metrics.body().contains("# TYPE dk_test_things_total counter\ndk_test_things_total 3.0"), metrics.body());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes{"), "a process registry has the JVM's metrics");
        assertEquals(200, send("HEAD", "/metrics").statusCode());
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertEquals(404, send("GET", "/").statusCode());
        assertEquals(405, send("POST", "/metrics").statusCode());
    }
}
