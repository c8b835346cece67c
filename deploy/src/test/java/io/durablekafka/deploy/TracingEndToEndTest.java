package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.durablekafka.common.observability.Observability;
import io.durablekafka.common.tracing.SpanAttributes;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.kafka.SharedKafka;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * W3C trace context through a real broker: an HTTP start with a {@code traceparent} yields the gateway's, the node's
 * and the worker's spans in that trace, parented as documented; with tracing off no spans are made and the records
 * still carry the incoming context.
 */
class TracingEndToEndTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void aStartWithATraceparentIsOneTraceAcrossGatewayNodeAndWorker() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
        try (Observability observability = Observability.detached(sdk); // closes the SDK
             TestCluster cluster = new TestCluster("trace", TestFunctions.registry(), observability)) {
            String traceId = hex(16);
            String clientSpan = hex(8);
            String id = "traced-" + UUID.randomUUID();
            HttpResponse<String> started = post(cluster, "/runtime/webhooks/durabletask/orchestrators/HelloThenGo/" + id,
                    "00-" + traceId + "-" + clientSpan + "-01");
            assertEquals(202, started.statusCode(), started.body());

            SpanData activity = awaitSpan(exporter, s -> s.getName().equals("activity:SayHello")
                    && id.equals(s.getAttributes().get(SpanAttributes.INSTANCE_ID)));

            String eventClientSpan = hex(8);
            HttpResponse<String> raised = post(cluster, "/runtime/webhooks/durabletask/instances/" + id
                    + "/raiseEvent/Go", "00-" + traceId + "-" + eventClientSpan + "-01");
            assertEquals(202, raised.statusCode(), raised.body());
            cluster.awaitRuntimeStatus(id, "Completed");
            SpanData orchestration = awaitSpan(exporter, s -> s.getName().equals("orchestration:HelloThenGo"));

            SpanData gatewayStart = only(exporter, "Management.StartOrchestration");
            assertEquals(traceId, gatewayStart.getTraceId());
            assertEquals(clientSpan, gatewayStart.getParentSpanId());
            assertEquals(SpanKind.SERVER, gatewayStart.getKind());

            SpanData create = only(exporter, "create_orchestration:HelloThenGo");
            assertEquals(traceId, create.getTraceId());
            assertEquals(gatewayStart.getSpanId(), create.getParentSpanId());
            assertEquals(id, create.getAttributes().get(SpanAttributes.INSTANCE_ID));

            // Once per execution, however many times it was replayed, under the instance's span.
            assertEquals(1, exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("orchestration:HelloThenGo")).count());
            assertEquals(traceId, orchestration.getTraceId());
            assertEquals(create.getSpanId(), orchestration.getParentSpanId());
            assertEquals("orchestration", orchestration.getAttributes().get(SpanAttributes.TYPE));
            assertEquals("HelloThenGo", orchestration.getAttributes().get(SpanAttributes.TASK_NAME));
            assertNotNull(orchestration.getAttributes().get(SpanAttributes.EXECUTION_ID));
            assertTrue(orchestration.getStartEpochNanos() <= activity.getStartEpochNanos(),
                    "the orchestration span starts at ExecutionStarted, before its activity");
            assertTrue(orchestration.getEndEpochNanos() >= activity.getEndEpochNanos());

            assertEquals(traceId, activity.getTraceId());
            assertEquals(create.getSpanId(), activity.getParentSpanId());
            assertEquals(SpanKind.SERVER, activity.getKind());
            assertEquals("activity", activity.getAttributes().get(SpanAttributes.TYPE));
            assertEquals("SayHello", activity.getAttributes().get(SpanAttributes.TASK_NAME));
            assertEquals(0L, activity.getAttributes().get(SpanAttributes.TASK_ID));

            SpanData raiseEvent = only(exporter, "Management.RaiseEvent");
            assertEquals(traceId, raiseEvent.getTraceId());
            assertEquals(eventClientSpan, raiseEvent.getParentSpanId());
            SpanData event = only(exporter, "orchestration_event:Go");
            assertEquals(raiseEvent.getSpanId(), event.getParentSpanId());
            assertEquals("event", event.getAttributes().get(SpanAttributes.TYPE));
        }
    }

    @Test
    void withTracingOffTheRecordsCarryTheIncomingTraceparentAndNoSpansAreMade() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk global = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
        // Even with a global SDK registered, roles given no OpenTelemetry make no spans (they never read the global).
        GlobalOpenTelemetry.set(global);
        try (global;
             TestCluster cluster = new TestCluster("untraced", TestFunctions.registry(), Observability.detached())) {
            String traceparent = "00-" + hex(16) + "-" + hex(8) + "-01";
            String id = "untraced-" + UUID.randomUUID();
            HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.baseUrl()
                            + "/runtime/webhooks/durabletask/orchestrators/HelloThenGo/" + id))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .header(TraceHeaders.TRACEPARENT, traceparent)
                    .header(TraceHeaders.TRACESTATE, "vendor=abc")
                    .build();
            assertEquals(202, cluster.send(request).statusCode());
            cluster.post("/runtime/webhooks/durabletask/instances/" + id + "/raiseEvent/Go", "\"go\"");
            cluster.awaitRuntimeStatus(id, "Completed");

            // The start (gateway), the task (node) and its result (worker) carry the client's context unchanged.
            Map<String, String> seen = traceparents(cluster, id);
            assertEquals(traceparent, seen.get("StartOrchestration"));
            assertEquals(traceparent, seen.get("ActivityRequest"));
            assertEquals(traceparent, seen.get("CompleteTask"));
            assertEquals(null, seen.get("RaiseEvent"), "a request without traceparent adds none");
            assertTrue(exporter.getFinishedSpanItems().isEmpty(), () -> "spans: " + exporter.getFinishedSpanItems());
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }

    private static HttpResponse<String> post(TestCluster cluster, String path, String traceparent) {
        return cluster.send(HttpRequest.newBuilder(URI.create(cluster.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString("\"go\""))
                .header("Content-Type", "application/json")
                .header(TraceHeaders.TRACEPARENT, traceparent)
                .build());
    }

    /** The traceparent header of each record type about {@code id} on the orchestrations and default tasks topics. */
    private static Map<String, String> traceparents(TestCluster cluster, String id) {
        Map<String, String> found = new java.util.HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "trace-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(cluster.topics.orchestrations(), cluster.topics.tasks("default")));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < deadline && !found.keySet().containsAll(
                    List.of("StartOrchestration", "ActivityRequest", "CompleteTask", "RaiseEvent"))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!id.equals(r.key())) {
                        continue;
                    }
                    Header type = r.headers().lastHeader("dk.type");
                    Header parent = r.headers().lastHeader(TraceHeaders.TRACEPARENT);
                    found.put(type == null ? "?" : new String(type.value(), StandardCharsets.UTF_8),
                            parent == null ? null : new String(parent.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return found;
    }

    private static SpanData awaitSpan(InMemorySpanExporter exporter, Predicate<SpanData> which) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SpanData> span = exporter.getFinishedSpanItems().stream().filter(which).findFirst();
            if (span.isPresent()) {
                return span.get();
            }
            TestCluster.pause();
        }
        fail("no such span within " + DEADLINE + "; spans: " + names(exporter));
        return null;
    }

    private static SpanData only(InMemorySpanExporter exporter, String name) {
        List<SpanData> spans = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertEquals(1, spans.size(), () -> "spans named " + name + " among " + names(exporter));
        return spans.getFirst();
    }

    private static List<String> names(InMemorySpanExporter exporter) {
        List<String> names = new ArrayList<>();
        exporter.getFinishedSpanItems().forEach(s -> names.add(s.getName()));
        return names;
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // never all zeros
        return HexFormat.of().formatHex(b);
    }
}
