package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.DeadLetters;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.webhooks.Backoff;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.gateway.webhooks.WebhookSigner;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.kafka.SharedKafka;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Completion callbacks end to end: a start names a callback URL, the node asks for the delivery when the instance
 * ends, gateways deliver it, signed, with retries that survive the deliverer. The cluster's own gateway delivers
 * nothing: each test starts the deliverers (gateways) it needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {

    private static final String API = "/runtime/webhooks/durabletask";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String SECRET = WebhookSigner.generateSecret();
    /** Short backoffs, private targets (the receiver is on this machine), one secret for every deliverer. */
    private static final WebhookOptions DELIVERER = WebhookOptions.defaults().withAllowPrivate(true).withSecret(SECRET)
            .withBackoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(1)));

    private TestCluster cluster;
    private HttpServer receiver;
    /** Requests by receiver path. */
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    /** Answers to fail with before the receiver accepts, by path. */
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

    private record Received(String id, String timestamp, String signature, byte[] body, int answer, String traceparent) {
        JsonNode json() {
            return Json.fromBytes(body, JsonNode.class);
        }

        boolean signedWith(String secret) {
            return new WebhookSigner(secret).verify(id, Long.parseLong(timestamp), body, signature);
        }
    }

    @BeforeAll
    void start() throws IOException {
        cluster = new TestCluster("Hooks", TestFunctions.registry(), DELIVERER.withDeliverer(false));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", this::receive);
        receiver.start();
    }

    @AfterAll
    void stop() {
        receiver.stop(0);
        cluster.close();
    }

    private void receive(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        AtomicInteger left = failuresLeft.computeIfAbsent(path, p -> new AtomicInteger());
        int answer = left.getAndDecrement() > 0 ? 500 : 204;
        var h = exchange.getRequestHeaders();
        received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(new Received(h.getFirst("webhook-id"),
                h.getFirst("webhook-timestamp"), h.getFirst("webhook-signature"), body, answer, h.getFirst("traceparent")));
        exchange.sendResponseHeaders(answer, -1);
        exchange.close();
    }

    private String callbackUrl(String path, int failures) {
        failuresLeft.put(path, new AtomicInteger(failures));
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private List<Received> awaitRequests(String path, int count) {
        Conditions.await(count + " callback request(s) on " + path, DEADLINE,
                () -> received.getOrDefault(path, List.of()).size() >= count);
        return received.get(path);
    }

    private JsonNode awaitOutcome(String instanceId, String state) {
        JsonNode[] last = new JsonNode[1];
        Conditions.await("webhook outcome " + state + " of " + instanceId + " (last: " + last[0] + ")", DEADLINE, () -> {
            HttpResponse<String> r = cluster.get(API + "/instances/" + instanceId + "/webhook");
            last[0] = r.statusCode() == 200 ? json(r) : null;
            return last[0] != null && state.equals(last[0].path("state").asText());
        });
        return last[0];
    }

    private String startWithCallback(String orchestration, String instanceId, String url) {
        return startWithCallback(orchestration, instanceId, url, null);
    }

    /** @param traceparent the start request's {@code traceparent} header (null: none) */
    private String startWithCallback(String orchestration, String instanceId, String url, String traceparent) {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.baseUrl() + API
                        + "/orchestrators/" + orchestration + "/" + instanceId + "?callbackUrl="
                        + URLEncoder.encode(url, StandardCharsets.UTF_8)))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        HttpResponse<String> r = cluster.send(request.build());
        assertEquals(202, r.statusCode(), r::body);
        return json(r).get("id").asText();
    }

    private static JsonNode json(HttpResponse<String> r) {
        return Json.fromBytes(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    @Test
    void aCallbackThatFailsTwiceIsDeliveredOnTheThirdAttemptSignedWithOneId() throws Exception {
        Gateway deliverer = cluster.startGateway(DELIVERER);
        try {
            String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
            String id = startWithCallback("HelloCities", "hooked-1", callbackUrl("/retried", 2), traceparent);

            List<Received> attempts = awaitRequests("/retried", 3);
            assertEquals(List.of(500, 500, 204), attempts.stream().map(Received::answer).toList());
            String webhookId = attempts.getFirst().id();
            assertTrue(webhookId.startsWith("msg_"), webhookId);
            for (Received a : attempts) {
                assertEquals(webhookId, a.id(), "every attempt carries the same webhook-id");
                assertEquals(traceparent, a.traceparent(), "and the start's trace context (tracing off)");
                assertTrue(a.signedWith(SECRET), "a valid Standard Webhooks signature");
                assertTrue(Math.abs(Long.parseLong(a.timestamp()) - System.currentTimeMillis() / 1000) < 60);
            }
            JsonNode notice = attempts.getLast().json();
            assertEquals(id, notice.get("instanceId").asText());
            assertEquals("HelloCities", notice.get("name").asText());
            assertEquals("Completed", notice.get("runtimeStatus").asText());
            assertEquals("Hello Tokyo!", notice.get("output").get(0).asText());
            JsonNode status = cluster.status(id, false);
            assertEquals(status.get("createdTime").asText(), notice.get("createdTime").asText());
            assertEquals(status.get("lastUpdatedTime").asText(), notice.get("lastUpdatedTime").asText());

            JsonNode outcome = awaitOutcome(id, "Delivered");
            assertEquals(3, outcome.get("attempts").asInt());
            assertEquals(webhookId, outcome.get("webhookId").asText());
            assertEquals(204, outcome.get("lastStatusCode").asInt());

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(deliverer.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("dk_webhook_attempts_total{outcome=\"Retrying\"} 2.0"), metrics);
            assertTrue(metrics.contains("dk_webhook_attempts_total{outcome=\"Delivered\"} 1.0"), metrics);
        } finally {
            cluster.stopGateway(deliverer);
        }
    }

    @Test
    void aBadRecordOnTheWebhooksTopicIsDeadLetteredAndDeliveriesGoOn() throws Exception {
        Gateway deliverer = cluster.startGateway(DELIVERER);
        var props = new Properties();
        props.put("bootstrap.servers", SharedKafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(props,
                new StringSerializer(),
                new StringSerializer());
             var deadLetters = new KafkaConsumer<>(props,
                     new StringDeserializer(),
                     new StringDeserializer())) {
            producer.send(new ProducerRecord<>(cluster.topics.webhooks(), "junk-1",
                    "not json")).get();
            String id = startWithCallback("HelloCities", "hooked-after-junk", callbackUrl("/after-junk", 0));
            assertEquals("Completed", awaitRequests("/after-junk", 1).getFirst().json().get("runtimeStatus").asText());
            assertEquals(id, awaitOutcome(id, "Delivered").get("instanceId").asText());

            var partitions = deadLetters.partitionsFor(cluster.topics.deadLetter()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            deadLetters.assign(partitions);
            deadLetters.seekToBeginning(partitions);
            String[] reason = new String[1];
            Conditions.await("the bad webhook record on the dead-letter topic", DEADLINE, () -> {
                for (var r : deadLetters.poll(Duration.ofMillis(100))) {
                    var header = r.headers().lastHeader(DeadLetters.REASON);
                    if ("junk-1".equals(r.key()) && header != null) {
                        reason[0] = new String(header.value(), StandardCharsets.UTF_8);
                    }
                }
                return reason[0] != null;
            });
            assertTrue(reason[0].contains("unreadable"), reason[0]);
        } finally {
            cluster.stopGateway(deliverer);
        }
    }

    @Test
    void aCallbackToAPrivateAddressIsRefusedAtStart() {
        Gateway strict = cluster.startGateway(WebhookOptions.defaults().withDeliverer(false));
        try {
            for (String url : List.of("http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data",
                    "http://[::1]/hook", "ftp://example.com/hook", "/relative")) {
                HttpResponse<String> r = cluster.send(HttpRequest.newBuilder(URI.create(
                                strict.baseUrl() + API + "/orchestrators/HelloCities/refused-1?callbackUrl="
                                        + URLEncoder.encode(url, StandardCharsets.UTF_8)))
                        .POST(HttpRequest.BodyPublishers.noBody()).build());
                assertEquals(400, r.statusCode(), url + ": " + r.body());
                assertEquals("InvalidCallbackUrl", json(r).get("error").asText());
            }
            assertEquals(404, cluster.get(API + "/instances/refused-1").statusCode(), "a refused start changes nothing");
            assertEquals(404, cluster.get(API + "/instances/refused-1/webhook").statusCode());
        } finally {
            cluster.stopGateway(strict);
        }
    }

    @Test
    void aRetryDueWhileItsDelivererStopsIsDeliveredByTheNextOne() {
        // The first deliverer waits 3 s before its retry: long enough to stop it while the retry is due.
        Gateway first = cluster.startGateway(DELIVERER.withBackoff(
                new Backoff(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofMinutes(1))));
        String id = startWithCallback("WaitForGo", "hooked-3", callbackUrl("/failover", 1));
        cluster.awaitRuntimeStatus(id, "Running");
        assertEquals(202, cluster.post(API + "/instances/" + id + "/terminate?reason=enough", "").statusCode());

        List<Received> attempts = awaitRequests("/failover", 1);
        JsonNode retrying = awaitOutcome(id, "Retrying");
        assertEquals("HTTP 500", retrying.get("lastError").asText());
        cluster.stopGateway(first);
        int before = received.get("/failover").size();

        Gateway second = cluster.startGateway(DELIVERER);
        try {
            awaitRequests("/failover", before + 1);
            awaitOutcome(id, "Delivered");
            Received delivered = received.get("/failover").getLast();
            assertEquals(204, delivered.answer());
            assertEquals(attempts.getFirst().id(), delivered.id(), "the same delivery, another deliverer");
            assertTrue(delivered.signedWith(SECRET));
            assertEquals("Terminated", delivered.json().get("runtimeStatus").asText());
            assertEquals("enough", delivered.json().get("output").asText());
        } finally {
            cluster.stopGateway(second);
        }
    }
}
