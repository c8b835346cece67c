package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.kafka.BrokerOptions;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.kafka.EmbeddedKafkaBroker;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.worker.WorkerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The roles against a Kafka that requires SASL/SCRAM (the embedded broker with a SASL_PLAINTEXT listener), each
 * configured only through {@code dk.kafka.security.protocol}, {@code dk.kafka.sasl.mechanism} and
 * {@code dk.kafka.sasl.jaas.config}, as the deployment files pass them ({@code DK_KAFKA_*} from a secret).
 */
class SaslEndToEndTest {

    private static final String USER = "durable-kafka";
    private static final String PASSWORD = "app-secret-1";
    private static final String KEY = "test-system-key";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static EmbeddedKafkaBroker broker;

    private final FunctionRegistry registry = TestFunctions.registry();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(BrokerOptions.defaults()
                .withScramUser("broker", "broker-secret-1")
                .withScramUser(USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Settings settings(String hub, String password) {
        Map<String, String> s = new HashMap<>(Map.of(
                Settings.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                Settings.TASK_HUB, hub,
                Settings.PARTITIONS, "1",
                NodeOptions.COMMIT_INTERVAL_MS, "20",
                NodeOptions.MANAGEMENT_PORT, "0",
                WorkerOptions.MANAGEMENT_PORT, "0",
                GatewayOptions.PORT, "0",
                GatewayOptions.SYSTEM_KEY, KEY));
        s.put(Settings.KAFKA_PREFIX + "security.protocol", "SASL_PLAINTEXT");
        s.put(Settings.KAFKA_PREFIX + "sasl.mechanism", BrokerOptions.SCRAM_MECHANISM);
        s.put(Settings.KAFKA_PREFIX + "sasl.jaas.config", BrokerOptions.jaasConfig(USER, password));
        return Settings.of(s);
    }

    @Test
    void theBrokerRefusesClientsWithoutSasl() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
            assertThrows(Exception.class, () -> admin.listTopics().names().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void nodeWorkerAndGatewayRunAnOrchestrationOverSaslScram() {
        Settings settings = settings("Sasl", PASSWORD);
        try (Role node = Role.start("node", settings, registry);
             Role worker = Role.start("worker", settings, registry)) {
            Conditions.await("the node is ready", DEADLINE, () -> get(node.managementUrl() + "/readyz").statusCode() == 200);
            try (Role gateway = Role.start("gateway", settings, registry)) {
                String base = gateway.managementUrl() + "/runtime/webhooks/durabletask";
                HttpResponse<String> started = send(HttpRequest.newBuilder(
                        URI.create(base + "/orchestrators/HelloCities?code=" + KEY))
                        .POST(HttpRequest.BodyPublishers.noBody()).build());
                assertEquals(202, started.statusCode(), started::body);
                String id = json(started.body()).path("id").asText();
                Conditions.await(id + " completes", DEADLINE, () -> "Completed".equals(
                        json(get(base + "/instances/" + id + "?code=" + KEY).body()).path("runtimeStatus").asText()));
                JsonNode output = json(get(base + "/instances/" + id + "?code=" + KEY).body()).path("output");
                assertTrue(output.toString().contains("Tokyo"), output::toString);
                assertTrue(get(worker.managementUrl() + "/metrics").body().contains("dk_activity_duration_seconds"));
            }
        }
    }

    @Test
    void aRoleWithAWrongPasswordFailsClearly() {
        Settings wrong = settings("SaslWrong", "not-the-password");
        // Node and gateway talk to Kafka while they start: the start fails, naming the refused login.
        for (String role : new String[]{"node", "gateway"}) {
            Throwable failure = assertTimeoutPreemptively(Duration.ofSeconds(90), () ->
                    assertThrows(RuntimeException.class, () -> Role.start(role, wrong, registry).close()), role);
            assertTrue(causedBy(failure, SaslAuthenticationException.class), role + ": " + failure);
        }
        // The worker starts without Kafka (it waits for a node to create its topics); refused credentials end its
        // poll loops instead of being retried forever, and its liveness probe says why (an orchestrator restarts it).
        try (Role worker = Role.start("worker", wrong, registry)) {
            String healthz = worker.managementUrl() + "/healthz";
            Conditions.await("the worker's liveness names the refused login", DEADLINE, () -> {
                HttpResponse<String> r = get(healthz);
                return r.statusCode() == 503 && r.body().contains("invalid credentials");
            });
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c) || c instanceof ExecutionException e && type.isInstance(e.getCause())) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode json(String body) {
        return Json.fromBytes(body.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    private HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }
}
