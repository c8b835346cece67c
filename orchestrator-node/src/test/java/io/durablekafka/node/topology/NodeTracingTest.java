package io.durablekafka.node.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.serde.Json;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.common.tracing.SpanAttributes;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.node.instance.EngineSettings;
import io.durablekafka.node.metrics.NodeMetrics;
import io.durablekafka.node.tracing.NodeTracing;
import io.durablekafka.sdk.FunctionRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's part of trace propagation and its spans, on Kafka Streams' test driver. */
class NodeTracingTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final TopicNames TOPICS = new TopicNames("TraceHub");
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            // Says hello, then continues as new until its input is 0.
            .addOrchestration("Looper", ctx -> {
                int n = ctx.getInput(Integer.class);
                ctx.callActivity("SayHello", "n" + n, String.class).await();
                if (n > 0) {
                    ctx.continueAsNew(n - 1);
                } else {
                    ctx.complete("done");
                }
            })
            .build();

    @TempDir
    Path stateDir;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> orchestrations;
    private TestOutputTopic<String, String> tasks;

    private void startDriver(NodeTracing tracing) {
        var topology = NodeTopology.build(TOPICS, REGISTRY, new EngineSettings(100, Duration.ofSeconds(10),
                Set.of("default")), Duration.ofMillis(10), Duration.ofMillis(100), new MutableClock(T0),
                NodeMetrics.detached(REGISTRY.orchestrationNames()), tracing);
        driver = TopologyDrivers.start(topology, "node-tracing-test", stateDir, T0);
        orchestrations = TopologyDrivers.input(driver, TOPICS.orchestrations());
        tasks = TopologyDrivers.output(driver, TOPICS.tasks("default"));
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        sdk.close();
    }

    @Test
    void withTracingOffTheStartsTraceparentRidesOnEveryTaskAcrossContinueAsNewAndNoSpansAreMade() {
        startDriver(NodeTracing.of(sdk, false));
        pipe("{\"type\":\"StartOrchestration\",\"v\":1,\"instanceId\":\"l1\",\"name\":\"Looper\",\"input\":1}",
                TRACEPARENT, "congo=t61rcWkgMzE");
        TestRecord<String, String> first = tasks.readRecord();
        assertEquals(TRACEPARENT, header(first, TraceHeaders.TRACEPARENT));
        assertEquals("congo=t61rcWkgMzE", header(first, TraceHeaders.TRACESTATE));
        assertEquals(new TraceContext(TRACEPARENT, "congo=t61rcWkgMzE"), instance("l1").traceContext());

        complete("l1", first.value(), null); // results carry no header: the instance's context is kept anyway
        TestRecord<String, String> second = tasks.readRecord(); // the continued-as-new execution's task
        assertTrue(second.value().contains("n0"), second.value());
        assertEquals(TRACEPARENT, header(second, TraceHeaders.TRACEPARENT));
        assertTrue(exporter.getFinishedSpanItems().isEmpty());
    }

    @Test
    void anExternalStartMayCarryTheContextInItsValueAndABadTraceparentIsIgnored() {
        startDriver(NodeTracing.OFF);
        pipe("{\"type\":\"StartOrchestration\",\"v\":1,\"instanceId\":\"f1\",\"name\":\"Looper\",\"input\":0,"
                + "\"traceContext\":{\"traceparent\":\"" + TRACEPARENT + "\"}}", null, null);
        assertEquals(TRACEPARENT, header(tasks.readRecord(), TraceHeaders.TRACEPARENT));

        pipe("{\"type\":\"StartOrchestration\",\"v\":1,\"instanceId\":\"b1\",\"name\":\"Looper\",\"input\":0}",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "a=b");
        TestRecord<String, String> task = tasks.readRecord();
        assertNull(header(task, TraceHeaders.TRACEPARENT));
        assertNull(instance("b1").traceContext());
        complete("b1", task.value(), "not a traceparent");
        assertEquals("Completed", instance("b1").status().name());
    }

    @Test
    void withTracingOnTheInstanceCarriesItsCreateSpanAndItsExecutionsEachEndInOneSpan() {
        startDriver(NodeTracing.of(sdk, true));
        pipe("{\"type\":\"StartOrchestration\",\"v\":1,\"instanceId\":\"s1\",\"name\":\"Looper\",\"input\":0}",
                TRACEPARENT, null);
        TestRecord<String, String> task = tasks.readRecord();
        SpanData create = exporter.getFinishedSpanItems().getFirst();
        assertEquals("create_orchestration:Looper", create.getName());
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", create.getTraceId());
        assertEquals("00f067aa0ba902b7", create.getParentSpanId());
        TraceContext carried = TraceContext.parse(header(task, TraceHeaders.TRACEPARENT), null);
        assertEquals(create.getSpanId(), carried.spanId());

        complete("s1", task.value(), null);
        List<SpanData> orchestrationSpans = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("orchestration:Looper")).toList();
        assertEquals(1, orchestrationSpans.size());
        SpanData orchestration = orchestrationSpans.getFirst();
        assertEquals(create.getSpanId(), orchestration.getParentSpanId());
        assertEquals("s1", orchestration.getAttributes().get(SpanAttributes.INSTANCE_ID));
        assertEquals("Completed", orchestration.getAttributes().get(SpanAttributes.STATUS));
        assertNotEquals(0L, orchestration.getEndEpochNanos());
    }

    private void pipe(String value, String traceparent, String tracestate) {
        String key = Json.fromBytes(value.getBytes(StandardCharsets.UTF_8),
                com.fasterxml.jackson.databind.JsonNode.class).path("instanceId").asText();
        var headers = new RecordHeaders();
        if (traceparent != null) {
            headers.add(TraceHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        if (tracestate != null) {
            headers.add(TraceHeaders.TRACESTATE, tracestate.getBytes(StandardCharsets.UTF_8));
        }
        orchestrations.pipeInput(new TestRecord<>(key, value, headers, T0));
    }

    /** Answers the activity request {@code taskJson} with a CompleteTask. */
    private void complete(String id, String taskJson, String traceparent) {
        var task = Json.fromBytes(taskJson.getBytes(StandardCharsets.UTF_8), com.fasterxml.jackson.databind.JsonNode.class);
        pipe("{\"type\":\"CompleteTask\",\"v\":1,\"instanceId\":\"" + id + "\",\"executionId\":\""
                + task.path("executionId").asText() + "\",\"taskId\":" + task.path("taskId").asInt()
                + ",\"result\":\"hi\"}", traceparent, null);
    }

    private InstanceState instance(String id) {
        byte[] bytes = driver.<Bytes, byte[]>getKeyValueStore(TopicNames.NODE_STATE_STORE)
                .get(Bytes.wrap(StoreKeys.instance(id)));
        return StoreCodec.decodeInstance(bytes);
    }

    private static String header(TestRecord<String, String> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
