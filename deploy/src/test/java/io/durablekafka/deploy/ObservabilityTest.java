package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.serde.Json;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.sdk.FunctionRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** /metrics, /healthz and /readyz of every role: all roles in one process, and each role alone. */
class ObservabilityTest {

    private static final AtomicInteger HUBS = new AtomicInteger();
    private static final Duration DEADLINE = Duration.ofSeconds(45);
    private static final String WEBHOOKS = "/runtime/webhooks/durabletask";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final FunctionRegistry registry = TestFunctions.registry();

    private static Settings settings(String name, Map<String, String> more) {
        String hub = name + HUBS.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100000, 36);
        var s = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers(), Settings.TASK_HUB, hub,
                Settings.PARTITIONS, "2", NodeOptions.COMMIT_INTERVAL_MS, "20"));
        for (var e : more.entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }

    @Test
    void localClusterServesOneScrapeAndProbesForAllRolesOnTheGatewayPort() {
        Settings settings = settings("Obs", Map.of());
        try (LocalCluster cluster = LocalCluster.start(settings, registry, 0, null)) {
            String base = cluster.baseUrl();
            JsonNode ready = awaitStatus(base + "/readyz", 200);
            assertEquals("UP", ready.path("status").asText());
            for (String role : List.of("node", "worker", "gateway")) {
                assertEquals("UP", ready.path("checks").path(role).path("status").asText(), ready::toString);
            }
            assertEquals(200, get(base + "/healthz").statusCode());

            List<String> hello = List.of(start(base, "HelloCities"), start(base, "HelloCities"), start(base, "HelloCities"));
            String boom = start(base, "Boom");
            String waiting = start(base, "WaitForGo");
            awaitRuntimeStatus(base, waiting, "Running");
            assertEquals(202, post(base + WEBHOOKS + "/instances/" + waiting + "/terminate?reason=test").statusCode());
            hello.forEach(id -> awaitRuntimeStatus(base, id, "Completed"));
            awaitRuntimeStatus(base, boom, "Failed");
            awaitRuntimeStatus(base, waiting, "Terminated");

            // The counters move in the node's step, before its transaction commits: they are there once clients see it.
            PrometheusText m = scrape(base + "/metrics");
            assertEquals(3, m.sum("dk_orchestrations_started_total", Map.of("name", "HelloCities")));
            assertEquals(3, m.sum("dk_orchestrations_completed_total", Map.of("name", "HelloCities")));
            assertEquals(1, m.sum("dk_orchestrations_failed_total", Map.of("name", "Boom")));
            assertEquals(1, m.sum("dk_orchestrations_terminated_total", Map.of("name", "WaitForGo")));
            // Activities are at-least-once: a rebalance may run one again, so these are lower bounds.
            assertTrue(m.sum("dk_activity_duration_seconds_count", Map.of("activity", "SayHello", "outcome", "completed")) >= 9);
            assertTrue(m.sum("dk_activity_duration_seconds_count", Map.of("activity", "Throw", "outcome", "failed")) >= 1);
            assertTrue(m.sum("dk_node_step_duration_seconds_count", Map.of()) >= 5 + 9 + 2);
            assertTrue(m.has("dk_node_step_duration_seconds_bucket"));
            assertTrue(m.has("dk_node_instances_in_flight"));
            assertEquals(0, m.sum("dk_dead_letters_total", Map.of()));
            assertTrue(m.sum("dk_http_server_requests_seconds_count", Map.of("method", "POST",
                    "route", WEBHOOKS + "/orchestrators/{functionName}", "status", "202")) >= 5);
            assertTrue(m.sum("dk_http_server_requests_seconds_count", Map.of("route", "/readyz", "status", "200")) >= 1);
            double startSeconds = m.sum("dk_http_server_requests_seconds_sum", Map.of("method", "POST",
                    "route", WEBHOOKS + "/orchestrators/{functionName}", "status", "202"));
            assertTrue(startSeconds > 0 && startSeconds < 30, "time of the starts: " + startSeconds);
            // Kafka's own metrics through Micrometer's binders: Streams' commit latency, the consumers' lag.
            assertTrue(m.has("kafka_stream_thread_commit_latency_avg"), "Kafka Streams commit latency");
            assertTrue(m.has("kafka_consumer_fetch_manager_records_lag_max"), "consumer lag");
            assertTrue(m.has("jvm_memory_used_bytes") && m.has("jvm_gc_pause_seconds_count") || m.has("jvm_gc_memory_allocated_bytes_total"));
            assertTrue(m.has("jvm_threads_live_threads") && m.has("process_cpu_usage"));

            // Records nobody can read go to the dead-letter topic, counted by the role that wrote them.
            var topics = new io.durablekafka.common.topics.TopicNames(settings.taskHub());
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of(
                    "bootstrap.servers", SharedKafka.bootstrapServers()),
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.StringSerializer())) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.orchestrations(), "x", "not json"));
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.tasks("default"), "x", "not json"));
            }
            Conditions.await("a dead letter from the node and one from the worker", DEADLINE, () -> {
                PrometheusText now = scrape(base + "/metrics");
                return now.sum("dk_dead_letters_total", Map.of("role", "node")) == 1
                        && now.sum("dk_dead_letters_total", Map.of("role", "worker")) == 1;
            });
        }
    }

    @Test
    void nodeAndWorkerAloneServeTheirOwnManagementPorts() {
        Settings settings = settings("ObsRoles", Map.of(NodeOptions.MANAGEMENT_PORT, "0",
                io.durablekafka.worker.WorkerOptions.MANAGEMENT_PORT, "0", "dk.gateway.port", "0",
                io.durablekafka.gateway.GatewayOptions.ALLOW_ANONYMOUS, "true"));
        // The worker first: with no node, the hub's topics do not exist yet, so its consumers cannot join.
        try (Role worker = Role.start("worker", settings, registry)) {
            String workerUrl = worker.managementUrl();
            var notReady = get(workerUrl + "/readyz");
            assertEquals(503, notReady.statusCode());
            JsonNode body = json(notReady.body());
            assertEquals("DOWN", body.path("checks").path("worker").path("status").asText(), body::toString);
            assertTrue(body.path("checks").path("worker").path("detail").asText().contains("default"), body::toString);
            assertEquals(200, get(workerUrl + "/healthz").statusCode());

            try (Role node = Role.start("node", settings, registry)) {
                String nodeUrl = node.managementUrl();
                assertTrue(node.managementPort() > 0 && node.managementPort() != worker.managementPort());
                awaitStatus(nodeUrl + "/readyz", 200);
                awaitStatus(workerUrl + "/readyz", 200);
                try (Role gateway = Role.start("gateway", settings, registry)) {
                    assertEquals(-1, gateway.managementPort());
                    String base = gateway.managementUrl();
                    awaitStatus(base + "/readyz", 200);
                    String id = start(base, "HelloCities");
                    awaitRuntimeStatus(base, id, "Completed");

                    PrometheusText nodeMetrics = scrape(nodeUrl + "/metrics");
                    assertEquals(1, nodeMetrics.sum("dk_orchestrations_completed_total", Map.of("name", "HelloCities")));
                    assertFalse(nodeMetrics.has("dk_activity_duration_seconds_count"), "the worker's meters are elsewhere");
                    assertTrue(nodeMetrics.has("jvm_memory_used_bytes"));
                    PrometheusText workerMetrics = scrape(workerUrl + "/metrics");
                    assertTrue(workerMetrics.sum("dk_activity_duration_seconds_count",
                            Map.of("activity", "SayHello", "outcome", "completed")) >= 3);
                    assertFalse(workerMetrics.has("dk_orchestrations_completed_total"));
                    PrometheusText gatewayMetrics = scrape(base + "/metrics");
                    assertTrue(gatewayMetrics.has("dk_http_server_requests_seconds_count"));
                    assertFalse(gatewayMetrics.has("dk_node_step_duration_seconds_count"));
                    assertTrue(gatewayMetrics.samples.stream().anyMatch(s -> s.name().equals(
                            "kafka_consumer_fetch_manager_records_lag_max")), "the views' consumer lag");
                }
            }
            // The node gone, the worker still serves (its consumers keep their assignment); its probes still answer.
            assertEquals(200, get(workerUrl + "/healthz").statusCode());
            assertEquals(404, get(workerUrl + "/nothing").statusCode());
        }
    }

    @Test
    void aNodeThatHasNotStartedIsNotReady() {
        var observability = io.durablekafka.common.observability.Observability.detached();
        Settings settings = settings("ObsIdle", Map.of());
        var node = new io.durablekafka.node.OrchestratorNode(NodeOptions.fromSettings(settings, registry), registry,
                observability);
        try (var server = io.durablekafka.common.observability.ManagementServer.start(observability, 0)) {
            String url = "http://localhost:" + server.port();
            var response = get(url + "/readyz");
            assertEquals(503, response.statusCode());
            assertTrue(response.body().contains("CREATED"), response.body());
            node.start();
            awaitStatus(url + "/readyz", 200);
        } finally {
            node.close();
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private JsonNode awaitStatus(String url, int status) {
        HttpResponse<String>[] last = new HttpResponse[1];
        Conditions.await(url + " answers " + status, DEADLINE, () -> (last[0] = get(url)).statusCode() == status);
        return json(last[0].body());
    }

    private PrometheusText scrape(String url) {
        HttpResponse<String> r = get(url);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return PrometheusText.parse(r.body());
    }

    private String start(String base, String orchestration) {
        HttpResponse<String> r = post(base + WEBHOOKS + "/orchestrators/" + orchestration);
        assertEquals(202, r.statusCode(), r::body);
        return json(r.body()).path("id").asText();
    }

    private void awaitRuntimeStatus(String base, String id, String status) {
        Conditions.await(id + " " + status, DEADLINE, () ->
                status.equals(json(get(base + WEBHOOKS + "/instances/" + id).body()).path("runtimeStatus").asText()));
    }

    private static JsonNode json(String body) {
        return Json.fromBytes(body.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    private HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private HttpResponse<String> post(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }
}
