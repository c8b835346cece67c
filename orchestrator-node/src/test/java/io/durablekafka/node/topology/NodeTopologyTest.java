package io.durablekafka.node.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import io.durablekafka.common.topics.DeadLetters;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.instance.EngineSettings;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.TaskEntity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The node's topology on Kafka Streams' test driver: JSON records in, records on the output topics and state out. */
class NodeTopologyTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final TopicNames TOPICS = new TopicNames("TestHub");
    static final EntityInstanceId COUNTER = new EntityInstanceId("Counter", "c1");

    public static class Counter extends TaskEntity<Integer> {
        public int add(int amount) {
            state += amount;
            return state;
        }
    }

    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            .addOrchestration("Hello", ctx -> ctx.complete(ctx.callActivity("SayHello", ctx.getInput(String.class), String.class).await()))
            .addOrchestration("Sleeper", ctx -> {
                ctx.createTimer(Duration.ofSeconds(30)).await();
                ctx.complete("woke");
            })
            .addOrchestration("UsesCounter", ctx -> ctx.complete(ctx.callEntity(COUNTER, "add", 5, Integer.class).await()))
            .addEntity("Counter", Counter::new)
            .build();

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(T0);
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> orchestrations;
    private TestOutputTopic<String, String> tasks;
    private TestOutputTopic<String, String> status;
    private TestOutputTopic<String, byte[]> deadLetters;
    private KeyValueStore<Bytes, byte[]> state;

    @BeforeEach
    void startDriver() {
        var topology = NodeTopology.build(TOPICS, REGISTRY, new EngineSettings(100, Duration.ofSeconds(10), Set.of("default")),
                Duration.ofMillis(10), Duration.ofMillis(100), clock);
        driver = TopologyDrivers.start(topology, "node-topology-test", stateDir, T0);
        orchestrations = TopologyDrivers.input(driver, TOPICS.orchestrations());
        tasks = TopologyDrivers.output(driver, TOPICS.tasks("default"));
        status = TopologyDrivers.output(driver, TOPICS.status());
        deadLetters = driver.createOutputTopic(TOPICS.deadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
        state = driver.getKeyValueStore(TopicNames.NODE_STATE_STORE);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    /** Moves the processor's clock and the driver's wall clock together (punctuators run). */
    private void advance(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    private static String start(String id, String name, Object input) {
        return """
                {"type":"StartOrchestration","v":1,"instanceId":"%s","name":"%s","input":%s}""".formatted(id, name, Json.toString(input));
    }

    private List<InstanceStatus> statuses() {
        List<InstanceStatus> out = new ArrayList<>();
        for (String value : status.readValuesToList()) {
            out.add(value == null ? null : parse(value, InstanceStatus.class));
        }
        return out;
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (Exception e) {
            throw new AssertionError("not a " + type.getSimpleName() + ": " + json, e);
        }
    }

    private InstanceState instance(String id) {
        byte[] value = state.get(Bytes.wrap(StoreKeys.instance(id)));
        return value == null ? null : StoreCodec.decodeInstance(value);
    }

    private List<HistoryChunk> chunks(String id) {
        List<HistoryChunk> chunks = new ArrayList<>();
        try (var it = state.range(Bytes.wrap(StoreKeys.historyFrom(id)), Bytes.wrap(StoreKeys.historyTo(id)))) {
            it.forEachRemaining(kv -> chunks.add(StoreCodec.decodeHistory(kv.value)));
        }
        return chunks;
    }

    private EntityState entity(String id) {
        byte[] value = state.get(Bytes.wrap(StoreKeys.entity(id)));
        return value == null ? null : StoreCodec.decodeEntity(value);
    }

    private static String header(TestRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aStartRecordDispatchesTheFirstActivityAndPublishesRunning() {
        orchestrations.pipeInput("order-1", start("order-1", "Hello", "Tokyo"));

        TestRecord<String, String> record = tasks.readRecord();
        assertEquals("order-1", record.key());
        assertEquals("ActivityRequest", header(record, MessageHeaders.TYPE));
        ActivityRequest request = parse(record.value(), ActivityRequest.class);
        assertEquals("SayHello", request.name());
        assertEquals(Json.toTree("Tokyo"), request.input());
        assertEquals(0, request.taskId());
        assertTrue(tasks.isEmpty());

        List<InstanceStatus> published = statuses();
        assertEquals(1, published.size());
        assertEquals(RuntimeStatus.Running, published.getFirst().runtimeStatus());
        assertEquals(request.executionId(), published.getFirst().executionId());
    }

    @Test
    void theActivitysResultCompletesTheInstanceInStatusAndStore() {
        orchestrations.pipeInput("order-1", start("order-1", "Hello", "Tokyo"));
        ActivityRequest request = parse(tasks.readValue(), ActivityRequest.class);
        statuses();

        orchestrations.pipeInput("order-1", """
                {"type":"CompleteTask","v":1,"instanceId":"order-1","executionId":"%s","taskId":0,"result":"Hello Tokyo!"}"""
                .formatted(request.executionId()));

        InstanceStatus completed = statuses().getLast();
        assertEquals(RuntimeStatus.Completed, completed.runtimeStatus());
        assertEquals(Json.toTree("Hello Tokyo!"), completed.output());

        InstanceState stored = instance("order-1");
        assertEquals(RuntimeStatus.Completed, stored.status());
        assertEquals(1, stored.inputOffset(), "the offset of the last input applied");
        List<HistoryEvent> history = chunks("order-1").stream().flatMap(c -> c.events().stream()).toList();
        assertEquals(stored.historySize(), history.size());
        assertEquals(List.of(HistoryEvent.ExecutionStarted.class, HistoryEvent.TaskScheduled.class,
                HistoryEvent.TaskCompleted.class, HistoryEvent.ExecutionCompleted.class),
                history.stream().map(Object::getClass).toList());
        assertEquals(List.of(0L, 2L), chunks("order-1").stream().map(HistoryChunk::firstSeq).toList(), "one chunk per step");
    }

    @Test
    void aDuplicateResultChangesNothing() {
        orchestrations.pipeInput("order-1", start("order-1", "Hello", "Tokyo"));
        ActivityRequest request = parse(tasks.readValue(), ActivityRequest.class);
        String result = """
                {"type":"CompleteTask","v":1,"instanceId":"order-1","executionId":"%s","taskId":0,"result":"hi"}"""
                .formatted(request.executionId());
        orchestrations.pipeInput("order-1", result);
        statuses();
        long historySize = instance("order-1").historySize();

        orchestrations.pipeInput("order-1", result);

        assertTrue(status.isEmpty());
        assertTrue(deadLetters.isEmpty());
        assertEquals(historySize, instance("order-1").historySize());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                  | order-1    | this is not json                                                                    | invalid record
            JSON null                 | order-1    | null                                                                                | invalid record
            an unknown type           | order-1    | {"type":"FlyToTheMoon","v":1,"instanceId":"order-1"}                                 | invalid record: Could not resolve type id
            cut-off JSON              | order-1    | {"type":"RaiseEvent",                                                                | invalid record: Unexpected end-of-input
            a key that is not the ID  | order-1    | {"type":"RaiseEvent","v":1,"instanceId":"order-2","name":"x","input":1}              | differs from instanceId
            a newer schema version    | order-1    | {"type":"RaiseEvent","v":2,"instanceId":"order-1","name":"x","input":1}              | schema version 2
            a start for an entity ID  | @counter@c1| {"type":"StartOrchestration","v":1,"instanceId":"@counter@c1","name":"Hello"}       | is an entity ID
            an event for nobody       | nobody     | {"type":"RaiseEvent","v":1,"instanceId":"nobody","name":"x","input":1}               | does not exist
            a start without a name    | order-1    | {"type":"StartOrchestration","v":1,"instanceId":"order-1","input":1}                | has no orchestration name
            an event without a name   | order-1    | {"type":"RaiseEvent","v":1,"instanceId":"order-1","input":1}                        | has no event name
            no instanceId             | order-1    | {"type":"RaiseEvent","v":1,"name":"x","input":1}                                     | has no instanceId
            a signal without operation| @counter@c1| {"type":"SignalEntity","v":1,"instanceId":"@counter@c1","input":1}                  | no operation name
            """)
    void aRecordThatCannotBeUsedIsDeadLetteredWithTheReasonAndProcessingGoesOn(String what, String key, String value,
                                                                               String reason) {
        orchestrations.pipeInput(key, value);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertEquals(key, dead.key());
        assertEquals(value, new String(dead.value(), StandardCharsets.UTF_8), "the original bytes");
        String error = header(dead, DeadLetters.REASON);
        assertNotNull(error);
        assertTrue(error.contains(reason), error);
        assertEquals(TOPICS.orchestrations(), header(dead, DeadLetters.SOURCE_TOPIC));
        assertEquals("0", header(dead, DeadLetters.SOURCE_OFFSET));

        orchestrations.pipeInput("order-9", start("order-9", "Hello", "Paris"));
        assertEquals("SayHello", parse(tasks.readValue(), ActivityRequest.class).name());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void aDeadLetterKeepsTheOriginalHeaders() {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.REPLAYED_FROM, "dk.x.deadletter:0:7".getBytes(StandardCharsets.UTF_8));
        orchestrations.pipeInput(new TestRecord<>("nobody", """
                {"type":"RaiseEvent","v":1,"instanceId":"nobody","name":"x","input":1}""", headers));

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", header(dead, "traceparent"));
        assertEquals("dk.x.deadletter:0:7", header(dead, DeadLetters.REPLAYED_FROM), "a replay that failed again says so");
        assertTrue(header(dead, DeadLetters.REASON).contains("does not exist"));
    }

    @Test
    void aRecordWithoutValueIsDeadLettered() {
        orchestrations.pipeInput("order-1", (String) null);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertNull(dead.value());
        assertTrue(header(dead, DeadLetters.REASON).contains("no value"));
    }

    @Test
    void aDurableTimerFiresWhenWallClockTimeReachesIt() {
        orchestrations.pipeInput("nap", start("nap", "Sleeper", null));
        assertEquals(RuntimeStatus.Running, statuses().getLast().runtimeStatus());

        advance(Duration.ofSeconds(10));
        assertTrue(status.isEmpty(), "not due yet");

        advance(Duration.ofSeconds(25));
        InstanceStatus woke = statuses().getLast();
        assertEquals(RuntimeStatus.Completed, woke.runtimeStatus());
        assertEquals(Json.toTree("woke"), woke.output());
        assertEquals(List.of(), instance("nap").timers());
    }

    @Test
    void anEntitySignalUpdatesTheEntityAtTheNextTick() {
        orchestrations.pipeInput(COUNTER.toString(), """
                {"type":"SignalEntity","v":1,"instanceId":"@counter@c1","operation":"add","input":5}""");
        assertNull(entity(COUNTER.toString()), "signals wait for the tick, to run in batches");

        advance(Duration.ofMillis(20));

        EntityState counter = entity(COUNTER.toString());
        assertNotNull(counter);
        assertEquals(Json.toTree(5), counter.state());
    }

    @Test
    void anOrchestrationCallsAnEntityAndGetsItsAnswerThroughTheOrchestrationsTopic() {
        orchestrations.pipeInput("caller", start("caller", "UsesCounter", null));

        InstanceStatus done = statuses().getLast();
        assertEquals(RuntimeStatus.Completed, done.runtimeStatus());
        assertEquals(Json.toTree(5), done.output());
        assertEquals(Json.toTree(5), entity(COUNTER.toString()).state());
    }

    @Test
    void purgingPublishesATombstoneAndDeletesTheState() {
        orchestrations.pipeInput("order-1", start("order-1", "Hello", "Tokyo"));
        orchestrations.pipeInput("order-1", """
                {"type":"TerminateOrchestration","v":1,"instanceId":"order-1","reason":"stop"}""");
        orchestrations.pipeInput("order-1", """
                {"type":"PurgeInstance","v":1,"instanceId":"order-1"}""");

        List<InstanceStatus> published = statuses();
        assertEquals(RuntimeStatus.Terminated, published.get(published.size() - 2).runtimeStatus());
        assertNull(published.getLast(), "a tombstone");
        assertNull(instance("order-1"));
        assertEquals(List.of(), chunks("order-1"));
    }

    @Test
    void theStatusOfAnInstanceReflectsTheOffsetOfItsLastInput() {
        orchestrations.pipeInput("a", start("a", "Sleeper", null));
        orchestrations.pipeInput("b", start("b", "Sleeper", null));

        List<InstanceStatus> published = statuses();
        assertEquals(List.of(0L, 1L), published.stream().map(InstanceStatus::inputOffset).toList());
    }
}
