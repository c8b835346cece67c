package io.durablekafka.node.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.durablekafka.common.messages.AbandonEntityWork;
import io.durablekafka.common.messages.CompleteEntityWork;
import io.durablekafka.common.messages.EntityWorkItem;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.instance.EngineSettings;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.EntityOperationFailedException;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's topology with an entity no registry knows and SDK workers on: this test plays the SDK worker, reading
 * {@code sdk-entity-work} and answering with {@code CompleteEntityWork} on {@code orchestrations}; stale answers,
 * abandon and the deadline re-issue; calls from an in-process Java orchestration to the SDK entity.
 */
class SdkEntityTopologyTest {

    private static final TopicNames TOPICS = new TopicNames("sdkenthub");
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String JS = "@jscounter@a";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(T0);
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> orchestrations;
    private TestOutputTopic<String, String> work;
    private TestOutputTopic<String, String> status;
    private KeyValueStore<Bytes, byte[]> state;

    @BeforeEach
    void startDriver() {
        EngineSettings settings = new EngineSettings(100, Duration.ofSeconds(10), Set.of("default"))
                .withSdkWorkers(TIMEOUT);
        FunctionRegistry registry = FunctionRegistry.builder()
                // Input {"op", "input"?}: calls the SDK entity; outputs the result, or the failure's message.
                .addOrchestration("CallJs", ctx -> {
                    JsonNode in = ctx.getInput(JsonNode.class);
                    try {
                        ctx.complete(ctx.callEntity(EntityInstanceId.parse(JS), in.path("op").asText(), in.get("input"),
                                JsonNode.class).await());
                    } catch (EntityOperationFailedException e) {
                        ctx.complete("failed: " + e.getErrorDetails().errorMessage());
                    }
                })
                .build();
        var topology = NodeTopology.build(TOPICS, registry, settings, Duration.ofMillis(10), Duration.ofMillis(100), clock);
        driver = TopologyDrivers.start(topology, "sdk-entity-topology-test", stateDir, T0);
        orchestrations = TopologyDrivers.input(driver, TOPICS.orchestrations());
        work = TopologyDrivers.output(driver, TOPICS.sdkEntityWork());
        status = TopologyDrivers.output(driver, TOPICS.status());
        state = driver.getKeyValueStore(TopicNames.NODE_STATE_STORE);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void send(String key, Object message) {
        orchestrations.pipeInput(key, Json.toString(message));
    }

    /** Moves the processor's clock and the driver's wall clock together (punctuators run). */
    private void advance(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    private EntityWorkItem onlyWorkItem() {
        List<String> values = work.readValuesToList();
        assertEquals(1, values.size(), () -> "work items: " + values);
        return Json.fromBytes(values.getFirst().getBytes(StandardCharsets.UTF_8), EntityWorkItem.class);
    }

    private EntityState entity() {
        byte[] value = state.get(Bytes.wrap(StoreKeys.entity(JS)));
        return value == null ? null : StoreCodec.decodeEntity(value);
    }

    private static CompleteEntityWork answer(EntityWorkItem item, int newState, CompleteEntityWork.Result... results) {
        return new CompleteEntityWork(item.entityId(), item.workSeq(), item.requestIds(), List.of(results),
                IntNode.valueOf(newState), List.of(), null);
    }

    private static CompleteEntityWork.Result ok(Object result) {
        return new CompleteEntityWork.Result(result == null ? null : Json.toTree(result), null);
    }

    private InstanceStatus lastStatus(String instanceId) {
        InstanceStatus last = null;
        for (var kv : status.readKeyValuesToList()) {
            if (kv.key.equals(instanceId) && kv.value != null) {
                last = Json.fromBytes(kv.value.getBytes(StandardCharsets.UTF_8), InstanceStatus.class);
            }
        }
        return last;
    }

    @Test
    void signalsBecomeWorkItemsAndAnswersAreAppliedOnce() {
        for (int i = 0; i < 5; i++) {
            send(JS, SignalEntity.of(JS, "add", IntNode.valueOf(1)));
        }
        advance(Duration.ofMillis(50));
        EntityWorkItem first = onlyWorkItem();
        assertEquals(5, first.operations().size());
        assertEquals(1, first.workSeq());

        send(JS, SignalEntity.of(JS, "add", IntNode.valueOf(10)));
        advance(Duration.ofMillis(50));
        assertTrue(work.isEmpty(), "one outstanding work item per entity");

        // A stale answer (another sequence number) changes nothing; the right one applies, then the next batch.
        send(JS, new CompleteEntityWork(JS, 7, first.requestIds(), List.of(ok(null)), IntNode.valueOf(99), List.of(), null));
        assertNull(entity().state());
        send(JS, answer(first, 5, ok(null), ok(null), ok(null), ok(null), ok(null)));
        assertEquals(IntNode.valueOf(5), entity().state());
        assertEquals(5, entity().operationCount());
        EntityWorkItem second = onlyWorkItem();
        assertEquals(2, second.workSeq());
        assertEquals(IntNode.valueOf(5), second.state());
        send(JS, answer(first, 1000, ok(null)));
        assertEquals(IntNode.valueOf(5), entity().state(), "a duplicate answer is ignored");

        // Abandoned (its worker went away): issued again at once. Unanswered: again at the deadline.
        send(JS, new AbandonEntityWork(JS, second.workSeq()));
        EntityWorkItem third = onlyWorkItem();
        assertEquals(3, third.workSeq());
        assertEquals(second.operations(), third.operations());
        advance(TIMEOUT.plusSeconds(1));
        EntityWorkItem fourth = onlyWorkItem();
        assertEquals(4, fourth.workSeq());

        send(JS, answer(third, 777, ok(null)));
        assertEquals(IntNode.valueOf(5), entity().state(), "the answer to a re-issued work item is stale");
        send(JS, answer(fourth, 15, ok(null)));
        assertEquals(IntNode.valueOf(15), entity().state());
        assertTrue(work.isEmpty());
        advance(TIMEOUT.plusSeconds(1));
        assertTrue(work.isEmpty(), "an answered work item's deadline is cancelled");
    }

    @Test
    void aBatchTheWorkerCouldNotRunRunsAgain() {
        send(JS, SignalEntity.of(JS, "add", IntNode.valueOf(1)));
        advance(Duration.ofMillis(50));
        EntityWorkItem first = onlyWorkItem();
        send(JS, new CompleteEntityWork(JS, first.workSeq(), first.requestIds(), List.of(), null, List.of(),
                FailureDetails.of("Error", "the worker broke down")));
        assertTrue(work.isEmpty());
        advance(Duration.ofSeconds(2));
        EntityWorkItem again = onlyWorkItem();
        assertEquals(first.operations(), again.operations());
        assertEquals(first.workSeq() + 1, again.workSeq());
    }

    @Test
    void anInProcessOrchestrationCallsAnSdkEntity() {
        send("caller-1", new StartOrchestration("caller-1", "CallJs", Json.toTree(java.util.Map.of("op", "add",
                "input", 3)), null, null, null));
        EntityWorkItem call = onlyWorkItem();
        assertTrue(call.operations().getFirst().isCall());
        assertEquals(IntNode.valueOf(3), call.operations().getFirst().input());
        send(JS, answer(call, 3, ok(3)));
        InstanceStatus done = lastStatus("caller-1");
        assertEquals(RuntimeStatus.Completed, done.runtimeStatus());
        assertEquals(IntNode.valueOf(3), done.output());

        send("caller-2", new StartOrchestration("caller-2", "CallJs", Json.toTree(java.util.Map.of("op", "fail")),
                null, null, null));
        EntityWorkItem failing = onlyWorkItem();
        send(JS, new CompleteEntityWork(JS, failing.workSeq(), failing.requestIds(),
                List.of(new CompleteEntityWork.Result(null, FailureDetails.of("Error", "no such luck"))),
                IntNode.valueOf(3), List.of(), null));
        InstanceStatus failed = lastStatus("caller-2");
        assertEquals(RuntimeStatus.Completed, failed.runtimeStatus());
        assertEquals(Json.toTree("failed: no such luck"), failed.output());
        assertEquals(IntNode.valueOf(3), entity().state());
    }
}
