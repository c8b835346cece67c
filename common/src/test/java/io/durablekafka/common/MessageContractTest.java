package io.durablekafka.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.serde.JsonSerde;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The JSON on the topics is a public contract (docs/topics.md): these are its examples. */
class MessageContractTest {

    private static JsonNode tree(Object value) {
        return Json.MAPPER.valueToTree(value);
    }

    @Test
    void everyMessageCarriesItsTypeAndSchemaVersion() {
        JsonNode start = tree(StartOrchestration.of("order-42", "HelloCities", Json.toTree(10)));
        assertEquals("StartOrchestration", start.get("type").asText());
        assertEquals(1, start.get("v").asInt());
        assertEquals("order-42", start.get("instanceId").asText());
        assertEquals(10, start.get("input").asInt());

        JsonNode status = tree(new InstanceStatus("i", "n", "e", RuntimeStatus.Running, null, null, null, null,
                Instant.EPOCH, Instant.EPOCH, null, 3, 7));
        assertEquals("InstanceStatus", status.get("type").asText());
        assertEquals("1970-01-01T00:00:00Z", status.get("createdTime").asText());

        assertEquals("ActivityRequest", tree(new ActivityRequest("i", "e", 1, "SayHello", null)).get("type").asText());
        assertEquals("HistoryRecord", tree(new HistoryRecord("i", "e", 0, new HistoryEvent.OrchestratorStarted(Instant.EPOCH)))
                .get("type").asText());
    }

    @Test
    void externalProducersMayWriteTheDocumentedMinimalJson() {
        String start = """
                {"type":"StartOrchestration","v":1,"instanceId":"order-42","name":"HelloCities","input":null}""";
        var message = Json.fromBytes(start.getBytes(StandardCharsets.UTF_8), OrchestrationMessage.class);
        StartOrchestration s = assertInstanceOf(StartOrchestration.class, message);
        assertEquals("HelloCities", s.name());
        assertNull(s.parent());

        String event = """
                {"type":"RaiseEvent","instanceId":"order-42","name":"ApprovalEvent","input":true,"extra":"ignored"}""";
        RaiseEvent e = assertInstanceOf(RaiseEvent.class, Json.fromBytes(event.getBytes(StandardCharsets.UTF_8), OrchestrationMessage.class));
        assertTrue(e.input().asBoolean());
    }

    /** Contract 6: a start's version and tags, optional on the start and on the status, kept in the store. */
    @Test
    void versionAndTagsAreOptionalAndOldRecordsStillRead() {
        String tagged = """
                {"type":"StartOrchestration","v":1,"instanceId":"o-1","name":"Hello","input":null,"version":"2.1","tags":{"team":"orders"}}""";
        var start = assertInstanceOf(StartOrchestration.class, JsonSerde.of(OrchestrationMessage.class)
                .deserialize("t", tagged.getBytes(StandardCharsets.UTF_8)));
        assertEquals("2.1", start.version());
        assertEquals(java.util.Map.of("team", "orders"), start.tags());
        StartOrchestration plain = StartOrchestration.of("o-2", "Hello", null);
        assertNull(plain.version());
        assertNull(plain.tags());
        assertTrue(!tree(plain).has("version") && !tree(plain).has("tags"));

        Instant t = Instant.parse("2026-12-02T06:00:00Z");
        // An instance record as nodes before contract 6 wrote it (no version, no tags) and one with both.
        var old = new io.durablekafka.common.store.InstanceState("o-1", "Hello", "e1", RuntimeStatus.Running, null, null,
                null, null, t, t, 1, null, null, null, 5, null, RuntimeStatus.Running, 1, null, null, null);
        var decodedOld = io.durablekafka.common.store.StoreCodec.decodeInstance(
                io.durablekafka.common.store.StoreCodec.encodeInstance(old));
        assertNull(decodedOld.version());
        assertNull(decodedOld.tags());
        assertTrue(!tree(decodedOld.toStatus()).has("version") && !tree(decodedOld.toStatus()).has("tags"));
        var withTags = new io.durablekafka.common.store.InstanceState("o-1", "Hello", "e1", RuntimeStatus.Running, null,
                null, null, null, t, t, 1, null, null, null, 5, null, RuntimeStatus.Running, 1, null, null, null, "2.1",
                java.util.Map.of("team", "orders"));
        var decoded = io.durablekafka.common.store.StoreCodec.decodeInstance(
                io.durablekafka.common.store.StoreCodec.encodeInstance(withTags));
        assertEquals("2.1", decoded.toStatus().version());
        assertEquals(java.util.Map.of("team", "orders"), decoded.toStatus().tags());
        assertEquals("orders", tree(decoded.toStatus()).path("tags").path("team").asText());
    }

    @Test
    void messagesRoundTripThroughTheSerde() {
        JsonSerde<OrchestrationMessage> serde = JsonSerde.of(OrchestrationMessage.class);
        OrchestrationMessage original = new CompleteTask("i", "e", 4, Json.toTree(java.util.List.of("a", "b")));
        assertEquals(original, serde.deserialize("t", serde.serialize("t", original)));
    }

    @Test
    void historyEventsRoundTripWithTheirEventType() {
        HistoryEvent event = new HistoryEvent.TaskScheduled(Instant.parse("2026-11-23T18:31:50.421616361Z"), 2, "SayHello", Json.toTree("Tokyo"));
        JsonNode json = tree(event);
        assertEquals("TaskScheduled", json.get("eventType").asText());
        assertEquals(event, Json.fromBytes(Json.toBytes(event), HistoryEvent.class));
    }

    @Test
    void entityEventsKeepAnSdkWorkersIdsAndOldRecordsWithoutThemStillRead() {
        Instant t = Instant.parse("2026-12-02T06:00:00Z");
        var called = new HistoryEvent.EntityOperationCalled(t, 1, "@counter@a", "get", null, "req-1");
        assertEquals("req-1", tree(called).get("requestId").asText());
        assertEquals(called, Json.fromBytes(Json.toBytes(called), HistoryEvent.class));
        var unlock = new HistoryEvent.EntityUnlockSent(t, 4, java.util.List.of("@counter@a"), "cs-1");
        assertEquals(unlock, Json.fromBytes(Json.toBytes(unlock), HistoryEvent.class));

        // Written before v6 (and by in-process code still): no ID, and none in the JSON.
        String old = "{\"eventType\":\"EntityLockRequested\",\"timestamp\":\"2026-12-02T06:00:00Z\",\"taskId\":2,"
                + "\"lockSet\":[\"@counter@a\",\"@counter@b\"]}";
        assertEquals(new HistoryEvent.EntityLockRequested(t, 2, java.util.List.of("@counter@a", "@counter@b")),
                Json.fromBytes(old.getBytes(java.nio.charset.StandardCharsets.UTF_8), HistoryEvent.class));
        assertEquals(null, tree(new HistoryEvent.EntityOperationSignaled(t, 0, "@counter@a", "add", null, null))
                .get("requestId"));
    }

    @Test
    void aRecordThatIsNotAMessageIsASerializationError() {
        JsonSerde<OrchestrationMessage> serde = JsonSerde.of(OrchestrationMessage.class);
        assertThrows(SerializationException.class, () -> serde.deserialize("t", "not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(SerializationException.class, () -> serde.deserialize("t", "{\"type\":\"NoSuchType\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void topicNamesFollowTheHub() {
        TopicNames names = new TopicNames("Orders-1");
        assertEquals("dk.Orders-1.orchestrations", names.orchestrations());
        assertEquals("dk.Orders-1.tasks.default", names.tasks(TopicNames.DEFAULT_TASK_QUEUE));
        assertEquals("dk.Orders-1.node", names.nodeApplicationId());
        assertThrows(IllegalArgumentException.class, () -> new TopicNames("1bad"));
        assertThrows(IllegalArgumentException.class, () -> new TopicNames("no.dots"));
        assertThrows(IllegalArgumentException.class, () -> names.tasks("bad queue"));
    }

    @Test
    void runtimeStatusTransitionsAreExplicit() {
        assertTrue(RuntimeStatus.Running.canTransitionTo(RuntimeStatus.Completed));
        assertTrue(RuntimeStatus.Suspended.canTransitionTo(RuntimeStatus.Running));
        assertTrue(!RuntimeStatus.Suspended.canTransitionTo(RuntimeStatus.Completed));
        assertTrue(!RuntimeStatus.Completed.canTransitionTo(RuntimeStatus.Suspended));
        assertTrue(RuntimeStatus.Failed.isTerminal() && !RuntimeStatus.Suspended.isTerminal());
        assertEquals(RuntimeStatus.Completed, RuntimeStatus.parse(" completed "));
    }
}
