package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.node.OrchestratorNode;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.worker.ActivityWorker;
import io.durablekafka.worker.WorkerOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A task hub of its own on the shared test broker, with nodes, a worker and a gateway, and the client-side
 * helpers the end-to-end tests speak through: HTTP for starts and status, Kafka records for the rest.
 */
final class TestCluster implements AutoCloseable {

    private static final AtomicInteger HUBS = new AtomicInteger();

    final String hub;
    final TopicNames topics;
    final FunctionRegistry registry;
    private final Settings settings;
    private final List<OrchestratorNode> nodes = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final ActivityWorker worker;
    private final Gateway gateway;
    private final List<Gateway> extraGateways = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final KafkaProducer<String, byte[]> producer;
    private StatusTopicReader statusReader;
    private final Observability observability;

    TestCluster(String name, FunctionRegistry registry, int executionCacheSize) {
        this(name, registry, executionCacheSize, true);
    }

    /** With {@code inProcessNode} false, no node runs until the test starts one (e.g. in a child process). */
    TestCluster(String name, FunctionRegistry registry, int executionCacheSize, boolean inProcessNode) {
        this(name, registry, executionCacheSize, inProcessNode, topics -> { });
    }

    /** {@code prepareHub} runs once the hub's topics are provisioned, before the worker and the gateway start. */
    TestCluster(String name, FunctionRegistry registry, int executionCacheSize, boolean inProcessNode,
                java.util.function.Consumer<TopicNames> prepareHub) {
        this(name, registry, executionCacheSize, inProcessNode, prepareHub, WebhookOptions.defaults().withDeliverer(false));
    }

    /** With the completion-callback options of the cluster's gateway. */
    TestCluster(String name, FunctionRegistry registry, WebhookOptions webhooks) {
        this(name, registry, 2000, true, topics -> { }, webhooks);
    }

    /** With one {@code observability} for all roles (an OpenTelemetry SDK in it turns tracing on). */
    TestCluster(String name, FunctionRegistry registry, Observability observability) {
        this(name, registry, 2000, true, topics -> { }, WebhookOptions.defaults().withDeliverer(false), observability,
                Map.of());
    }

    private TestCluster(String name, FunctionRegistry registry, int executionCacheSize, boolean inProcessNode,
                        java.util.function.Consumer<TopicNames> prepareHub, WebhookOptions webhooks) {
        this(name, registry, executionCacheSize, inProcessNode, prepareHub, webhooks, null, Map.of());
    }

    /** With more settings of the roles (e.g. {@code dk.node.sdk.workers}). */
    TestCluster(String name, FunctionRegistry registry, Map<String, String> moreSettings) {
        this(name, registry, 2000, true, topics -> { }, WebhookOptions.defaults().withDeliverer(false), null,
                moreSettings);
    }

    /** @param observability the roles' (null: each its own, detached, without tracing) */
    private TestCluster(String name, FunctionRegistry registry, int executionCacheSize, boolean inProcessNode,
                        java.util.function.Consumer<TopicNames> prepareHub, WebhookOptions webhooks,
                        Observability observability, Map<String, String> moreSettings) {
        this.observability = observability;
        this.hub = name + HUBS.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100000, 36);
        this.topics = new TopicNames(hub);
        this.registry = registry;
        Map<String, String> all = new java.util.HashMap<>(Map.of(Settings.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers(),
                Settings.TASK_HUB, hub, Settings.PARTITIONS, "4",
                NodeOptions.EXECUTION_CACHE_SIZE, String.valueOf(executionCacheSize),
                NodeOptions.COMMIT_INTERVAL_MS, "20"));
        all.putAll(moreSettings);
        this.settings = Settings.of(all);
        if (inProcessNode) {
            startNode();
        } else {
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
                new io.durablekafka.common.topics.TopicProvisioner(admin, 4, (short) 1).ensureHub(topics, registry.taskQueues());
            }
        }
        prepareHub.accept(topics);
        worker = observability == null ? new ActivityWorker(WorkerOptions.fromSettings(settings, registry), registry)
                : new ActivityWorker(WorkerOptions.fromSettings(settings, registry), registry, observability);
        worker.start();
        gateway = (observability == null ? new Gateway(GatewayOptions.of(SharedKafka.bootstrapServers(), topics), webhooks)
                : new Gateway(GatewayOptions.of(SharedKafka.bootstrapServers(), topics), observability, webhooks)).start();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        if (inProcessNode) {
            nodes.getFirst().awaitRunning(Duration.ofSeconds(60));
        }
    }

    TestCluster(String name, FunctionRegistry registry) {
        this(name, registry, 2000);
    }

    OrchestratorNode startNode() {
        NodeOptions options = NodeOptions.fromSettings(settings, registry);
        OrchestratorNode node = (observability == null ? new OrchestratorNode(options, registry)
                : new OrchestratorNode(options, registry, observability)).start();
        nodes.add(node);
        return node;
    }

    /**
     * Starts an orchestrator node in a child JVM (this test class path, so it runs the same functions), to be
     * killed without warning by {@link Process#destroyForcibly()}.
     */
    Process startNodeProcess() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.durablekafka.deploy.Main", "node",
                "--bootstrap-servers", SharedKafka.bootstrapServers(), "--task-hub", hub,
                "--dk.partitions", "4", "--dk.node.commit.interval.ms", "20",
                // Any free port: several node processes share this host.
                "--dk.node.management.port", "0",
                // Fail over fast: a killed node's partitions move once its session expires.
                "--dk.kafka.session.timeout.ms", "6000", "--dk.kafka.heartbeat.interval.ms", "1000");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            processes.add(process);
            return process;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start a node process", e);
        }
    }

    List<OrchestratorNode> nodes() {
        return nodes;
    }

    void stopNode(OrchestratorNode node) {
        node.close();
        nodes.remove(node);
    }

    /** Another gateway of the hub (e.g. a webhook deliverer); closed with the cluster unless stopped before. */
    Gateway startGateway(WebhookOptions webhooks) {
        Gateway g = new Gateway(GatewayOptions.of(SharedKafka.bootstrapServers(), topics), webhooks).start();
        extraGateways.add(g);
        return g;
    }

    /** Another gateway of the hub with options of its own (names, keys, more hubs); closed with the cluster. */
    Gateway startGateway(java.util.function.UnaryOperator<GatewayOptions> options) {
        Gateway g = new Gateway(options.apply(GatewayOptions.of(SharedKafka.bootstrapServers(), topics))).start();
        extraGateways.add(g);
        return g;
    }

    /**
     * Another gateway of the hub that also serves the Durable Task gRPC protocol as {@code sidecar} says (port 0:
     * any free port; see {@link Gateway#grpcPort()}); closed with the cluster.
     */
    Gateway startSidecarGateway(io.durablekafka.gateway.sidecar.SidecarOptions sidecar) {
        return startSidecarGateway(java.util.function.UnaryOperator.identity(), sidecar);
    }

    /** As {@link #startSidecarGateway(io.durablekafka.gateway.sidecar.SidecarOptions)}, with options of its own. */
    Gateway startSidecarGateway(java.util.function.UnaryOperator<GatewayOptions> options,
                                io.durablekafka.gateway.sidecar.SidecarOptions sidecar) {
        Gateway g = new Gateway(options.apply(GatewayOptions.of(SharedKafka.bootstrapServers(), topics)))
                .withSidecar(sidecar).start();
        extraGateways.add(g);
        return g;
    }

    void stopGateway(Gateway g) {
        g.close();
        extraGateways.remove(g);
    }

    // ------------------------------------------------------------------------------------------ HTTP

    String baseUrl() {
        return gateway.baseUrl();
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
                .header("Content-Type", "application/json").build());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }

    /** Starts an orchestration through the HTTP API and returns its instance ID. */
    String start(String orchestration, Object input) {
        HttpResponse<String> r = post("/runtime/webhooks/durabletask/orchestrators/" + orchestration,
                input == null ? "" : Json.toString(input));
        assertEquals(202, r.statusCode(), () -> "start " + orchestration + ": " + r.body());
        return Json.fromBytes(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class).path("id").asText();
    }

    JsonNode status(String instanceId, boolean showHistory) {
        HttpResponse<String> r = get("/runtime/webhooks/durabletask/instances/" + URLEncoder.encode(instanceId, StandardCharsets.UTF_8)
                + (showHistory ? "?showHistory=true&showHistoryOutput=true" : ""));
        if (r.statusCode() == 404) {
            fail("instance " + instanceId + " not found: " + r.body());
        }
        return Json.fromBytes(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    /** Polls the status until {@code condition} holds; fails with the last status after {@code timeout}. */
    JsonNode awaitStatus(String instanceId, Duration timeout, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = status(instanceId, false);
            if (condition.test(last)) {
                return last;
            }
            pause();
        }
        fail("instance " + instanceId + " did not reach the expected state within " + timeout + "; last status: " + last);
        return last;
    }

    JsonNode awaitRuntimeStatus(String instanceId, String runtimeStatus) {
        return awaitStatus(instanceId, Duration.ofSeconds(60), s -> runtimeStatus.equals(s.path("runtimeStatus").asText()));
    }

    /** Waits until the instance is Completed, Failed or Terminated. */
    JsonNode awaitDone(String instanceId) {
        return awaitStatus(instanceId, Duration.ofSeconds(60), s -> switch (s.path("runtimeStatus").asText()) {
            case "Completed", "Failed", "Terminated" -> true;
            default -> false;
        });
    }

    static void pause() {
        io.durablekafka.kafka.Conditions.pause();
    }

    // ------------------------------------------------------------------------------------------ Kafka

    /** Writes a message to the orchestrations topic, as an external producer may. */
    void send(OrchestrationMessage message) {
        try {
            sendAsync(message).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a message without waiting for the acknowledgement (the producer is idempotent, so messages one thread
     * sends arrive in order); {@link #flush()} waits for all.
     */
    java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sendAsync(OrchestrationMessage message) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.orchestrations(), message.instanceId(), Json.toBytes(message));
        MessageHeaders.setType(record.headers(), MessageHeaders.typeOf(message));
        return producer.send(record);
    }

    void flush() {
        producer.flush();
    }

    /** A reader of the status topic from its beginning (entities publish their state there); closed with the cluster. */
    synchronized StatusTopicReader statusTopic() {
        if (statusReader == null) {
            statusReader = new StatusTopicReader(SharedKafka.bootstrapServers(), topics);
        }
        return statusReader;
    }

    @Override
    public void close() {
        if (statusReader != null) {
            statusReader.close();
        }
        producer.close();
        List.copyOf(extraGateways).forEach(Gateway::close);
        gateway.close();
        worker.close();
        for (OrchestratorNode node : List.copyOf(nodes)) {
            node.close();
        }
        processes.forEach(Process::destroyForcibly);
    }

}
