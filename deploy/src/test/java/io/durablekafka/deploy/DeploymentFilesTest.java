package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.observability.ManagementServer;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.common.observability.ProbeResponses;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.kafka.KafkaCluster;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.worker.WorkerOptions;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files in deploy/ (Dockerfile, Compose file, Kubernetes manifests), checked against the code they
 * run, since no Docker engine or cluster is here to run them: every DK_* variable is a setting some Options class
 * reads, each role's probes ask its real port and paths, and the image runs a role {@link Main} knows.
 */
class DeploymentFilesTest {

    private static final Path DEPLOY = Path.of("").toAbsolutePath();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "durable-kafka:";
    /** The Secret every role's Kafka client security comes from (Kubernetes). */
    private static final String KAFKA_SECRET = "durable-kafka-kafka";
    /** The env files of the Compose deployment, made from the committed *.example files. */
    private static final String GATEWAY_ENV = "gateway.env";
    private static final String KAFKA_CLIENT_ENV = "kafka-client.env";
    /** Variables that hold secrets: keys, signing secrets, passwords, JAAS lines (which carry passwords). */
    private static final Pattern SECRET_NAME = Pattern.compile("(^|_)(KEY|SECRET|PASSWORD|JAAS)(_|$)");

    /** The port each role listens on by default: its HTTP API (gateway) or management server. */
    private static final Map<String, Integer> ROLE_PORTS = Map.of(
            "gateway", GatewayOptions.DEFAULT_PORT,
            "node", NodeOptions.DEFAULT_MANAGEMENT_PORT,
            "worker", WorkerOptions.DEFAULT_MANAGEMENT_PORT);

    /** The setting that moves each role's port. */
    private static final Map<String, String> ROLE_PORT_SETTINGS = Map.of(
            "gateway", GatewayOptions.PORT,
            "node", NodeOptions.MANAGEMENT_PORT,
            "worker", WorkerOptions.MANAGEMENT_PORT);

    @Test
    void dockerfileRunsAKnownRoleAndExposesTheRolesPorts() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
        assertTrue(dockerfile.lines().anyMatch(l -> l.equals("FROM eclipse-temurin:21-jre")), "a Java 21 JRE base");

        List<String> entrypoint = jsonArray(instruction(dockerfile, "ENTRYPOINT"));
        assertEquals("java", entrypoint.get(0));
        assertEquals(Main.class.getName(), entrypoint.get(entrypoint.size() - 1), "the entry point runs Main");
        String classPath = entrypoint.get(entrypoint.indexOf("-cp") + 1);
        for (Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile); copy.find(); ) {
            String target = "/opt/durable-kafka/" + copy.group(2).replaceAll("/$", "");
            assertTrue(classPath.contains(target), "the class path holds what " + copy.group() + " copies");
        }
        assertTrue(dockerfile.contains("COPY deploy/target/classes/ "), "the launcher's classes");
        assertTrue(dockerfile.contains("COPY deploy/target/lib/ "), "the jars bin/ scripts run with");
        assertTrue(Files.isDirectory(DEPLOY.resolve("target/classes/io/durablekafka/deploy")));

        List<String> cmd = jsonArray(instruction(dockerfile, "CMD"));
        assertTrue(Main.ROLES.contains(cmd.get(0)), "default role " + cmd + " is one of " + Main.ROLES);

        Set<Integer> exposed = new HashSet<>();
        for (String p : instruction(dockerfile, "EXPOSE").split("\\s+")) {
            exposed.add(Integer.parseInt(p));
        }
        assertEquals(Set.copyOf(ROLE_PORTS.values()), exposed);

        Map<String, String> env = new HashMap<>();
        Matcher assignments = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)")
                .matcher(instruction(dockerfile, "ENV").replace("\\\n", " "));
        while (assignments.find()) {
            env.put(assignments.group(1), assignments.group(2));
        }
        assertKnownSettings("Dockerfile", env.keySet());
        assertNoLiteralSecrets("Dockerfile", env);
        assertTrue(instruction(dockerfile, "RUN").contains(env.get(Settings.environmentVariable(NodeOptions.STATE_DIR))),
                "the node's state directory is created in the image (writable by its user)");
    }

    @Test
    void composeRunsThreeKraftBrokersAndEveryRoleOnItsRealPorts() throws IOException {
        JsonNode services = YAML.readTree(DEPLOY.resolve("compose/compose.yaml").toFile()).get("services");
        List<String> brokers = new ArrayList<>();
        Set<String> roles = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : services.properties()) {
            String name = e.getKey();
            JsonNode service = e.getValue();
            String image = service.path("image").asText();
            if (image.startsWith("apache/kafka:")) {
                assertEquals(KafkaCluster.DEFAULT_IMAGE, image, "the Kafka the tests know");
                assertEquals("broker,controller", service.at("/environment/KAFKA_PROCESS_ROLES").asText());
                assertTrue(service.at("/environment/KAFKA_ADVERTISED_LISTENERS").asText().contains(name + ":9092"));
                brokers.add(name + ":9092");
                continue;
            }
            if (!image.startsWith(IMAGE)) {
                continue;
            }
            String role = service.get("command").get(0).asText();
            assertTrue(ROLE_PORTS.containsKey(role), name + " runs a role: " + role);
            roles.add(role);
            Map<String, String> env = fields(service.get("environment"));
            assertKnownSettings(name, env.keySet());
            assertNoLiteralSecrets(name, env);
            // Secrets come from env files that are not committed: Kafka credentials for every role (optional, the
            // Compose brokers need none), the system key and signing secret for gateways (required).
            Map<String, Boolean> envFiles = new HashMap<>();
            service.path("env_file").forEach(f -> envFiles.put(f.path("path").asText(), f.path("required").asBoolean()));
            assertEquals(Boolean.FALSE, envFiles.get(KAFKA_CLIENT_ENV), name + " reads Kafka credentials from "
                    + KAFKA_CLIENT_ENV);
            if (role.equals("gateway")) {
                assertEquals(Boolean.TRUE, envFiles.get(GATEWAY_ENV), name + " needs " + GATEWAY_ENV);
            }
            int port = Integer.parseInt(env.getOrDefault(Settings.environmentVariable(ROLE_PORT_SETTINGS.get(role)),
                    String.valueOf(ROLE_PORTS.get(role))));
            assertEquals(ROLE_PORTS.get(role), port, name + " listens on its role's default port");
            String healthcheck = String.join(" ", strings(service.at("/healthcheck/test")));
            assertTrue(healthcheck.contains("/dev/tcp/localhost/" + port + " ")
                    && healthcheck.contains("GET " + ProbeResponses.READINESS_PATH + " "), name + ": " + healthcheck);
            assertEquals(List.of("kafka-1:9092", "kafka-2:9092", "kafka-3:9092"),
                    List.of(env.get(Settings.environmentVariable(Settings.BOOTSTRAP_SERVERS)).split(",")));
            if (role.equals("node")) {
                String stateDir = env.get(Settings.environmentVariable(NodeOptions.STATE_DIR));
                assertTrue(strings(service.get("volumes")).stream().anyMatch(v -> v.endsWith(":" + stateDir)),
                        name + " keeps its state on a volume");
                assertTrue(Integer.parseInt(env.get(Settings.environmentVariable(Settings.REPLICATION_FACTOR))) <= 3);
            }
        }
        assertEquals(3, brokers.size(), "three brokers");
        assertEnvFileExamples();
        assertEquals(ROLE_PORTS.keySet(), roles, "every role");
        assertTrue(Files.readString(DEPLOY.resolve("compose/nginx.conf"))
                .contains("server gateway:" + GatewayOptions.DEFAULT_PORT + ";"), "nginx spreads over the gateways");
    }

    @Test
    void kubernetesManifestsProbeTheRolesRealPortsAndPaths() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var parser = YAML.createParser(file.toFile())) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(o -> {
                        if (!o.isNull() && !o.isMissingNode()) {
                            objects.add(o);
                        }
                    });
                }
            }
        }
        Map<String, Map<String, String>> configMaps = new HashMap<>();
        objects.stream().filter(o -> o.path("kind").asText().equals("ConfigMap"))
                .forEach(o -> configMaps.put(o.at("/metadata/name").asText(), fields(o.get("data"))));
        configMaps.forEach((name, data) -> assertKnownSettings("ConfigMap " + name, data.keySet()));
        configMaps.forEach((name, data) -> assertNoLiteralSecrets("ConfigMap " + name, data));
        assertTrue(objects.stream().noneMatch(o -> o.path("kind").asText().equals("Secret")),
                "no Secret is committed: they are made with kubectl (docs/security.md)");

        Map<String, String> kindOfRole = new HashMap<>();
        for (JsonNode workload : objects) {
            String kind = workload.path("kind").asText();
            if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
                continue;
            }
            String name = workload.at("/metadata/name").asText();
            JsonNode pod = workload.at("/spec/template");
            JsonNode labels = pod.at("/metadata/labels");
            assertEquals(workload.at("/spec/selector/matchLabels"), matching(workload.at("/spec/selector/matchLabels"), labels));
            JsonNode container = pod.at("/spec/containers/0");
            assertTrue(container.path("image").asText().startsWith(IMAGE), name);
            String role = container.at("/args/0").asText();
            assertTrue(ROLE_PORTS.containsKey(role), name + " runs a role: " + role);
            kindOfRole.put(role, kind);

            Map<String, String> env = new HashMap<>();
            boolean kafkaCredentials = false;
            for (JsonNode from : container.path("envFrom")) {
                if (from.has("secretRef")) {
                    // Kafka client security (DK_KAFKA_*) for every role, from a Secret made apart from these files.
                    assertEquals(KAFKA_SECRET, from.at("/secretRef/name").asText(), name);
                    assertTrue(from.at("/secretRef/optional").asBoolean(), name + ": a Kafka without security too");
                    kafkaCredentials = true;
                    continue;
                }
                String ref = from.at("/configMapRef/name").asText();
                assertTrue(configMaps.containsKey(ref), name + " reads ConfigMap " + ref);
                env.putAll(configMaps.get(ref));
            }
            assertTrue(kafkaCredentials, name + " takes Kafka credentials from Secret " + KAFKA_SECRET);
            Map<String, JsonNode> fromSecrets = new HashMap<>();
            for (JsonNode e : container.path("env")) {
                env.put(e.get("name").asText(), e.path("value").asText(null));
                if (!e.at("/valueFrom/secretKeyRef").isMissingNode()) {
                    fromSecrets.put(e.get("name").asText(), e.at("/valueFrom/secretKeyRef"));
                }
            }
            assertKnownSettings(name, env.keySet());
            assertNoLiteralSecrets(name, env);
            if (role.equals("gateway")) {
                String keyVariable = Settings.environmentVariable(GatewayOptions.SYSTEM_KEY);
                JsonNode key = fromSecrets.get(keyVariable);
                assertTrue(key != null && !key.path("optional").asBoolean(false), name + ": " + keyVariable
                        + " from a Secret, required (a gateway without a key does not start)");
                assertFalse(env.containsKey(Settings.environmentVariable(GatewayOptions.ALLOW_ANONYMOUS)), name);
            }
            assertTrue(env.containsKey(Settings.environmentVariable(Settings.BOOTSTRAP_SERVERS)), name + ": Kafka");

            int port = ROLE_PORTS.get(role);
            String portSetting = Settings.environmentVariable(ROLE_PORT_SETTINGS.get(role));
            if (env.get(portSetting) != null) {
                assertEquals(String.valueOf(port), env.get(portSetting), name + " " + portSetting);
            }
            assertEquals(port, containerPort(container, container.at("/readinessProbe/httpGet/port")), name);
            assertEquals(port, containerPort(container, container.at("/livenessProbe/httpGet/port")), name);
            assertEquals(ProbeResponses.READINESS_PATH, container.at("/readinessProbe/httpGet/path").asText(), name);
            assertEquals(ProbeResponses.LIVENESS_PATH, container.at("/livenessProbe/httpGet/path").asText(), name);
            assertFalse(container.at("/resources/requests/cpu").isMissingNode(), name + " requests CPU");
            assertFalse(container.at("/resources/requests/memory").isMissingNode(), name + " requests memory");
            assertFalse(container.at("/resources/limits/memory").isMissingNode(), name + " limits memory");

            if (role.equals("node")) {
                String stateDir = env.get(Settings.environmentVariable(NodeOptions.STATE_DIR));
                JsonNode mount = stream(container.path("volumeMounts"))
                        .filter(m -> m.path("mountPath").asText().equals(stateDir)).findFirst().orElseThrow(
                                () -> new AssertionError(name + " mounts no volume at its state dir " + stateDir));
                assertTrue(stream(workload.at("/spec/volumeClaimTemplates"))
                        .anyMatch(t -> t.at("/metadata/name").asText().equals(mount.path("name").asText())),
                        name + "'s state volume is a claim of its own per node");
            }
            assertTrue(objects.stream().anyMatch(o -> o.path("kind").asText().equals("Service")
                    && !o.at("/spec/selector").isMissingNode()
                    && matching(o.at("/spec/selector"), labels).equals(o.at("/spec/selector"))
                    && stream(o.at("/spec/ports")).anyMatch(p -> containerPort(container, p.get("targetPort")) == port)),
                    name + " has a Service on its port");
            assertTrue(objects.stream().anyMatch(o -> o.path("kind").asText().equals("PodDisruptionBudget")
                    && matching(o.at("/spec/selector/matchLabels"), labels).equals(o.at("/spec/selector/matchLabels"))),
                    name + " has a PodDisruptionBudget");
        }
        assertEquals(Map.of("node", "StatefulSet", "worker", "Deployment", "gateway", "Deployment"), kindOfRole);
    }

    @Test
    void theProbePathsAreServed() throws Exception {
        Observability observability = Observability.detached();
        ManagementServer server = ManagementServer.start(observability, 0);
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (String path : List.of(ProbeResponses.LIVENESS_PATH, ProbeResponses.READINESS_PATH)) {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                assertNotEquals(404, status, path);
            }
        } finally {
            server.close();
            observability.close();
        }
    }

    /** The example env files of the Compose deployment: known settings and client properties, git-ignored copies. */
    private static void assertEnvFileExamples() throws IOException {
        Path compose = DEPLOY.resolve("compose");
        assertTrue(Files.readString(compose.resolve(".gitignore")).lines().anyMatch(l -> l.strip().equals("*.env")),
                "the filled-in env files are ignored by git");
        for (String file : List.of(GATEWAY_ENV, KAFKA_CLIENT_ENV)) {
            assertFalse(Files.exists(compose.resolve(file)) && isTracked(compose.resolve(file)), file);
            Map<String, String> env = new HashMap<>();
            for (String line : Files.readAllLines(compose.resolve(file + ".example"))) {
                String l = line.strip().replaceFirst("^# ?(?=DK_)", "");
                int eq = l.indexOf('=');
                if (!l.startsWith("#") && eq > 0) {
                    env.put(l.substring(0, eq), l.substring(eq + 1));
                }
            }
            assertFalse(env.isEmpty(), file);
            assertKnownSettings(file + ".example", env.keySet());
            Set<String> clientProperties = new HashSet<>(org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
            clientProperties.addAll(org.apache.kafka.clients.producer.ProducerConfig.configNames());
            String kafkaPrefix = Settings.environmentVariable(Settings.KAFKA_PREFIX);
            env.keySet().stream().filter(k -> k.startsWith(kafkaPrefix)).forEach(k -> assertTrue(clientProperties
                    .contains(k.substring(kafkaPrefix.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.')),
                    file + ".example: " + k + " is no Kafka client property"));
        }
        String gatewayEnv = Files.readString(compose.resolve(GATEWAY_ENV + ".example"));
        assertTrue(gatewayEnv.contains(Settings.environmentVariable(GatewayOptions.SYSTEM_KEY) + "="));
        assertTrue(gatewayEnv.contains(Settings.environmentVariable(WebhookOptions.SECRET) + "="));
    }

    /** Whether git tracks {@code file} (a filled-in env file must never be committed). */
    private static boolean isTracked(Path file) {
        try {
            Process git = new ProcessBuilder("git", "ls-files", "--error-unmatch", file.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return git.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * No key, secret, password or JAAS line is written into a deployment file: such variables may appear only
     * without a value here (taken from a Secret or env file) or as a reference to one ({@code ${...}}).
     */
    private static void assertNoLiteralSecrets(String where, Map<String, String> env) {
        env.forEach((name, value) -> {
            if (SECRET_NAME.matcher(name).find()) {
                assertTrue(value == null || value.isEmpty() || value.startsWith("${"),
                        where + ": " + name + " has a value written in the file; take it from a secret");
            }
        });
    }

    /**
     * Every DK_* variable is the environment form of a setting an Options class names (or of a per-hub prefix);
     * a misspelt or invented variable would be silently ignored by the roles.
     */
    private static void assertKnownSettings(String where, Set<String> names) {
        Set<String> known = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        for (Class<?> options : List.of(Settings.class, NodeOptions.class, WorkerOptions.class, GatewayOptions.class,
                WebhookOptions.class)) {
            for (Field f : options.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                    try {
                        String key = (String) f.get(null);
                        if (key.startsWith("dk.") && key.endsWith(".")) {
                            prefixes.add(Settings.environmentVariable(key));
                        } else if (key.startsWith("dk.")) {
                            known.add(Settings.environmentVariable(key));
                        }
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        for (String name : names) {
            if (name.startsWith("DK_")) {
                assertTrue(known.contains(name) || prefixes.stream().anyMatch(name::startsWith),
                        where + ": " + name + " is no setting the roles read");
            }
        }
    }

    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        return stream(container.path("ports")).filter(p -> p.path("name").asText().equals(port.asText()))
                .mapToInt(p -> p.get("containerPort").asInt()).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    /** The entries of {@code selector} that {@code labels} has with the same value. */
    private static JsonNode matching(JsonNode selector, JsonNode labels) {
        var result = JSON.createObjectNode();
        selector.properties().forEach(e -> {
            if (e.getValue().equals(labels.get(e.getKey()))) {
                result.set(e.getKey(), e.getValue());
            }
        });
        return result;
    }

    private static String instruction(String dockerfile, String name) {
        Matcher m = Pattern.compile("(?ms)^" + name + " (.*?)(?<!\\\\)$").matcher(dockerfile);
        assertTrue(m.find(), "the Dockerfile has " + name);
        return m.group(1);
    }

    private static List<String> jsonArray(String text) throws IOException {
        return strings(JSON.readTree(text));
    }

    private static List<String> strings(JsonNode array) {
        return stream(array).map(JsonNode::asText).toList();
    }

    private static Map<String, String> fields(JsonNode object) {
        Map<String, String> map = new HashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}
