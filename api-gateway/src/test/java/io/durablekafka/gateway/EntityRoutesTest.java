package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.awaitGet;
import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.instancesUrl;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.messageOf;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.send;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.EntityLockHolder;
import io.durablekafka.common.store.EntityState;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The durable entity routes: signal, delete, get, list (filters and paging), clean-up, and entities kept out of
 * the orchestration routes. The test plays the node: it writes the entities' records to the changelog itself.
 */
class EntityRoutesTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private static String entities(Gateway gw) {
        return gw.baseUrl() + "/runtime/webhooks/durabletask/entities";
    }

    /** An entity's record as the node writes it. */
    static EntityState entity(String name, String key, JsonNode state, EntityLockHolder lockedBy, Instant lastOperation) {
        return new EntityState("@" + name + "@" + key, state, lockedBy, List.of(), T0, lastOperation, 1, -1, 0);
    }

    private static SignalEntity signalOf(ConsumerRecord<String, byte[]> record) throws Exception {
        return (SignalEntity) messageOf(record);
    }

    @Test
    void signalAndDelete() throws Exception {
        try (HubFixture hub = new HubFixture("ent-signal")) {
            Gateway gw = hub.gateway(o -> o.withKnownEntities(Set.of("Counter")));

            HttpResponse<String> added = post(entities(gw) + "/Counter/steps?op=Add", "5");
            assertEquals(202, added.statusCode(), added.body());
            assertEquals("", added.body());
            ConsumerRecord<String, byte[]> record = hub.awaitInputs("@counter@steps", "SignalEntity", 1).getFirst();
            assertEquals("@counter@steps", record.key());
            SignalEntity signal = signalOf(record);
            assertEquals(new SignalEntity("@counter@steps", "Add", Json.toTree(5), null, "http"), signal);

            // No body and no Content-Type: null input. Names match case-insensitively; keys keep their case.
            assertEquals(202, send("POST", entities(gw) + "/COUNTER/steps?op=reset", null).statusCode());
            SignalEntity reset = signalOf(hub.awaitInputs("@counter@steps", "SignalEntity", 2).get(1));
            assertEquals("reset", reset.operation());
            assertNull(reset.input());
            // A key with '/', '+' and a space; the 1.x prefix; an object input.
            assertEquals(202, post(gw.baseUrl() + "/admin/extensions/DurableTaskExtension/entities/counter/A%2Fb+c%20d?op=set",
                    "{\"value\": 7}").statusCode());
            SignalEntity set = signalOf(hub.awaitInputs("@counter@A/b+c d", "SignalEntity", 1).getFirst());
            assertEquals(Json.MAPPER.readTree("{\"value\": 7}"), set.input());
            // op=delete is an operation like any other.
            assertEquals(202, post(entities(gw) + "/counter/steps?op=delete", null).statusCode());
            assertEquals("delete", signalOf(hub.awaitInputs("@counter@steps", "SignalEntity", 3).get(2)).operation());

            // Errors write nothing.
            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            assertError(post(entities(gw) + "/Counter/steps?op=Add", "[1,"), 400, "InvalidJson");
            assertError(send("POST", entities(gw) + "/Counter/steps?op=Add", "five", "Content-Type", "text/plain"), 400,
                    "UnsupportedContentType");
            assertError(post(entities(gw) + "/Counter/bad%01key?op=Add", "1"), 400, "InvalidEntityKey");
            assertError(post(entities(gw) + "/Coun%40ter/steps?op=Add", "1"), 400, "InvalidEntityName");
            assertError(post(entities(gw) + "/Counter/steps", "1"), 400, "MissingOperation");
            assertError(post(entities(gw) + "/Counter/steps?op=", "1"), 400, "MissingOperation");
            assertError(post(entities(gw) + "/Sprocket/steps?op=Add", "1"), 404, "UnknownEntity");
            assertError(send("DELETE", entities(gw) + "/Sprocket/steps", null), 404, "UnknownEntity");
            HttpResponse<String> noKey = post(entities(gw) + "/Counter?op=Add", "1");
            assertError(noKey, 405, "MethodNotAllowed");
            assertEquals("GET", noKey.headers().firstValue("Allow").orElseThrow());
            assertEquals(before, hub.inputEndOffsets());

            // DELETE signals "delete".
            HttpResponse<String> deleted = send("DELETE", entities(gw) + "/Counter/steps", null);
            assertEquals(202, deleted.statusCode(), deleted.body());
            SignalEntity delete = signalOf(hub.awaitInputs("@counter@steps", "SignalEntity", 4).get(3));
            assertEquals(new SignalEntity("@counter@steps", "delete", null, null, "http"), delete);
            assertEquals(4, hub.allInputs("@counter@steps", "SignalEntity").size());
        }
    }

    @Test
    void anyNameWithoutKnownEntitiesAndKeysAreRequired() throws Exception {
        try (HubFixture hub = new HubFixture("ent-any")) {
            Gateway gw = hub.gateway(o -> o.withSystemKey("sekret"));
            assertError(post(entities(gw) + "/Whatever/k?op=go", "1"), 401, "Unauthorized");
            assertError(get(entities(gw) + "?code=wrong"), 401, "Unauthorized");
            assertError(post(entities(gw) + "/Whatever/k?op=go&code=sekret&taskHub=nohub", "1"), 404, "TaskHubNotFound");
            assertEquals(202, post(entities(gw) + "/Whatever/k?op=go&code=sekret", "1").statusCode());
            assertEquals("go", signalOf(hub.awaitInputs("@whatever@k", "SignalEntity", 1).getFirst()).operation());
        }
    }

    @Test
    void getEntityState() throws Exception {
        try (HubFixture hub = new HubFixture("ent-get")) {
            Gateway gw = hub.gateway();
            assertError(get(entities(gw) + "/Counter/steps"), 404, "EntityNotFound");

            hub.writeEntity(entity("counter", "steps", Json.MAPPER.readTree("{\"currentValue\": 5}"), null, T0));
            HttpResponse<String> found = awaitGet(entities(gw) + "/Counter/steps", r -> r.statusCode() == 200);
            assertEquals(Json.MAPPER.readTree("{\"currentValue\": 5}"), json(found));
            assertTrue(found.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            assertEquals(200, get(gw.baseUrl() + "/admin/extensions/DurableTaskExtension/entities/COUNTER/steps").statusCode());
            // Key case matters.
            assertError(get(entities(gw) + "/counter/STEPS"), 404, "EntityNotFound");

            // A state that is a JSON string is sent as JSON.
            hub.writeEntity(entity("greeter", "x", Json.toTree("hello"), null, T0));
            assertEquals("\"hello\"", awaitGet(entities(gw) + "/greeter/x", r -> r.statusCode() == 200).body());

            // A record without state: no entity.
            hub.writeEntity(entity("counter", "empty", null, null, T0));
            hub.writeEntity(entity("counter", "jsonnull", Json.MAPPER.nullNode(), null, T0));
            assertError(get(entities(gw) + "/counter/empty"), 404, "EntityNotFound");
            assertError(get(entities(gw) + "/counter/jsonnull"), 404, "EntityNotFound");

            // Deleted (a tombstone): 404.
            hub.tombstone("@counter@steps");
            awaitGet(entities(gw) + "/Counter/steps", r -> r.statusCode() == 404);
            assertError(get(entities(gw) + "/Counter/steps"), 404, "EntityNotFound");
            assertError(get(entities(gw) + "/Counter/bad%07"), 400, "InvalidEntityKey");
        }
    }

    @Test
    void listFiltersAndPages() throws Exception {
        try (HubFixture hub = new HubFixture("ent-list")) {
            Gateway gw = hub.gateway();
            assertEquals("[]", get(entities(gw)).body());

            List<EntityState> seeded = new ArrayList<>();
            String[] keys = {"a", "b", "c", "d", "e"};
            for (int i = 0; i < keys.length; i++) {
                seeded.add(entity("counter", keys[i], Json.MAPPER.createObjectNode().put("value", i),
                        null, T0.plusSeconds(60L * i).plusMillis(123)));
            }
            seeded.add(entity("device", "radio", Json.toTree("on"), new EntityLockHolder("orch-1", "e", 2),
                    T0.plusSeconds(3600)));
            seeded.add(entity("device", "tv", Json.toTree(3), null, T0.plusSeconds(7200)));
            seeded.add(entity("counter", "stateless", null, null, T0)); // no state: not listed
            seeded.add(entity("countera", "z", Json.toTree(1), null, T0)); // another name sharing a prefix
            hub.seedEntities(seeded);
            List<InstanceStatus> orders = new ArrayList<>();
            for (String id : List.of("order-1", "order-2", "Zed", "0-first")) {
                orders.add(new InstanceStatus(id, "Order", "e", RuntimeStatus.Completed, null, null, null, null, T0, T0,
                        null, 1, -1));
            }
            hub.seedAll(orders);

            HttpResponse<String> all = get(entities(gw));
            assertEquals(200, all.statusCode(), all.body());
            assertTrue(all.headers().firstValue("x-ms-continuation-token").isEmpty());
            JsonNode items = json(all);
            assertEquals(List.of("@counter@a", "@counter@b", "@counter@c", "@counter@d", "@counter@e", "@countera@z",
                    "@device@radio", "@device@tv"), ids(items));
            JsonNode first = items.get(0);
            List<String> fields = new ArrayList<>();
            first.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("entityId", "lastOperationTime"), fields);
            assertEquals(Json.MAPPER.readTree("{\"key\": \"a\", \"name\": \"counter\"}"), first.get("entityId"));
            assertEquals("2024-05-01T10:00:00.123Z", first.get("lastOperationTime").asText());

            // fetchState, one name (any case), the 1.x prefix.
            JsonNode withState = json(get(entities(gw) + "/Counter?fetchState=true"));
            assertEquals(List.of("@counter@a", "@counter@b", "@counter@c", "@counter@d", "@counter@e"), ids(withState));
            assertEquals(Json.MAPPER.readTree("{\"value\": 2}"), withState.get(2).get("state"));
            JsonNode devices = json(get(gw.baseUrl() + "/admin/extensions/DurableTaskExtension/entities/DEVICE?fetchState=TRUE"));
            assertEquals(List.of("@device@radio", "@device@tv"), ids(devices));
            assertEquals("on", devices.get(0).get("state").asText());
            assertEquals(List.of(), ids(json(get(entities(gw) + "/nosuch"))));

            // Last operation time filters (inclusive).
            assertEquals(List.of("@counter@b", "@counter@c"), ids(json(get(entities(gw) + "/counter"
                    + "?lastOperationTimeFrom=2024-05-01T10:01:00Z&lastOperationTimeTo=2024-05-01T10:02:00.123Z"))));
            assertEquals(List.of("@device@radio", "@device@tv"),
                    ids(json(get(entities(gw) + "?lastOperationTimeFrom=2024-05-01T11:00:00"))));
            assertEquals(List.of("@counter@a", "@countera@z"),
                    ids(json(get(entities(gw) + "?lastOperationTimeTo=2024-05-01T10:00:59Z"))));

            // Pages of two over the five counters: no repeat, no skip, no token on the last page.
            List<String> paged = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            String token = null;
            do {
                HttpResponse<String> page = token == null ? get(entities(gw) + "/counter?top=2")
                        : send("GET", entities(gw) + "/counter?top=2", null, "x-ms-continuation-token", token);
                assertEquals(200, page.statusCode(), page.body());
                paged.addAll(ids(json(page)));
                sizes.add(json(page).size());
                token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
            } while (token != null);
            assertEquals(List.of("@counter@a", "@counter@b", "@counter@c", "@counter@d", "@counter@e"), paged);
            assertEquals(List.of(2, 2, 1), sizes);
            // A full last page carries no token either.
            HttpResponse<String> twoDevices = get(entities(gw) + "/device?top=2");
            assertEquals(2, json(twoDevices).size());
            assertTrue(twoDevices.headers().firstValue("x-ms-continuation-token").isEmpty());
            // All entities by pages of three.
            List<String> everything = new ArrayList<>();
            token = null;
            do {
                HttpResponse<String> page = token == null ? get(entities(gw) + "?top=3")
                        : send("GET", entities(gw) + "?top=3", null, "x-ms-continuation-token", token);
                everything.addAll(ids(json(page)));
                token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
            } while (token != null);
            assertEquals(ids(items), everything);
            assertEquals(everything.size(), new HashSet<>(everything).size());

            // The instance list leaves entities out, paged or not.
            assertEquals(List.of("0-first", "Zed", "order-1", "order-2"), instanceIds(json(get(instancesUrl(gw)))));
            List<String> instances = new ArrayList<>();
            token = null;
            do {
                HttpResponse<String> page = token == null ? get(instancesUrl(gw) + "?top=1")
                        : send("GET", instancesUrl(gw) + "?top=1", null, "x-ms-continuation-token", token);
                assertTrue(json(page).size() <= 1);
                instances.addAll(instanceIds(json(page)));
                token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
            } while (token != null);
            assertEquals(List.of("0-first", "Zed", "order-1", "order-2"), instances);
            assertEquals(List.of(), instanceIds(json(get(instancesUrl(gw) + "?instanceIdPrefix=@"))));
            assertEquals(List.of(), instanceIds(json(get(instancesUrl(gw) + "?runtimeStatus=Running"))));

            // Bad parameters and foreign tokens.
            String instanceToken = get(instancesUrl(gw) + "?top=1").headers().firstValue("x-ms-continuation-token")
                    .orElseThrow();
            assertError(send("GET", entities(gw), null, "x-ms-continuation-token", instanceToken), 400,
                    "InvalidContinuationToken");
            assertError(get(entities(gw) + "?top=0"), 400, "InvalidParameter");
            assertError(get(entities(gw) + "?lastOperationTimeFrom=soon"), 400, "InvalidParameter");
            assertError(get(entities(gw) + "/a%40b"), 400, "InvalidEntityName");
        }
    }

    @Test
    void orchestrationRoutesDoNotTakeEntityIds() throws Exception {
        try (HubFixture hub = new HubFixture("ent-orch")) {
            Gateway gw = hub.gateway();
            hub.writeEntity(entity("counter", "x", Json.toTree(1), null, T0));
            awaitGet(entities(gw) + "/counter/x", r -> r.statusCode() == 200);
            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            assertError(post(startUrl(gw, "Hello") + "/%40counter%40x", null), 400, "InvalidInstanceId");
            String instance = gw.baseUrl() + "/runtime/webhooks/durabletask/instances/%40counter%40x";
            assertError(post(instance + "/raiseEvent/e", "1"), 404, "InstanceNotFound");
            assertError(post(instance + "/terminate", null), 404, "InstanceNotFound");
            assertError(send("DELETE", instance, null), 404, "InstanceNotFound");
            assertError(post(instance + "/restart", null), 400, "InstanceNotFound");
            assertEquals(before, hub.inputEndOffsets());
        }
    }

    @Test
    void cleanEntityStorage() throws Exception {
        try (HubFixture hub = new HubFixture("ent-clean")) {
            Gateway gw = hub.gateway();
            // Owners: one ended, one running; "owner-gone" does not exist.
            hub.seed("owner-done", "Transfer", RuntimeStatus.Completed, null, null, T0);
            hub.seed("owner-live", "Transfer", RuntimeStatus.Running, null, null, T0);
            hub.seedEntities(List.of(
                    entity("counter", "locked", Json.toTree(1), new EntityLockHolder("owner-done", "exec-1", 3), T0), // orphaned: owner ended
                    entity("counter", "ghost", Json.toTree(2), new EntityLockHolder("owner-gone", "exec-9", 5), T0),  // orphaned: owner unknown
                    entity("counter", "held", Json.toTree(3), new EntityLockHolder("owner-live", "exec-1", 4), T0),   // owner still running
                    entity("counter", "empty", null, null, T0),                                                      // empty: removed
                    entity("counter", "full", Json.toTree(4), null, T0)));                                           // left alone
            // No waiting for the views here: the clean-up runs the read barrier on every partition itself.
            Map<TopicPartition, Long> before = hub.inputEndOffsets();
            HttpResponse<String> nothing = post(entities(gw) + "/clean?removeEmptyEntities=false&releaseOrphanedLocks=false", null);
            assertEquals(200, nothing.statusCode(), nothing.body());
            assertEquals(Json.MAPPER.readTree("{\"emptyEntitiesRemoved\": 0, \"orphanedLocksReleased\": 0}"), json(nothing));
            assertEquals(before, hub.inputEndOffsets());

            HttpResponse<String> cleaned = post(entities(gw) + "/clean", null);
            assertEquals(200, cleaned.statusCode(), cleaned.body());
            assertEquals(Json.MAPPER.readTree("{\"emptyEntitiesRemoved\": 1, \"orphanedLocksReleased\": 2}"), json(cleaned));

            ReleaseEntityLock locked = (ReleaseEntityLock) messageOf(
                    hub.awaitInputs("@counter@locked", "ReleaseEntityLock", 1).getFirst());
            assertEquals(new ReleaseEntityLock("@counter@locked", "owner-done", "exec-1", 3), locked);
            ReleaseEntityLock ghost = (ReleaseEntityLock) messageOf(
                    hub.awaitInputs("@counter@ghost", "ReleaseEntityLock", 1).getFirst());
            assertEquals(new ReleaseEntityLock("@counter@ghost", "owner-gone", "exec-9", 5), ghost);
            SignalEntity removal = signalOf(hub.awaitInputs("@counter@empty", "SignalEntity", 1).getFirst());
            assertEquals(new SignalEntity("@counter@empty", "delete", null, null, "clean"), removal);
            assertTrue(hub.allInputs("@counter@held", "ReleaseEntityLock").isEmpty());
            assertTrue(hub.allInputs("@counter@full", "SignalEntity").isEmpty());
            assertTrue(hub.allInputs("@counter@locked", "SignalEntity").isEmpty());

            // Only one of the two switches.
            HttpResponse<String> locksOnly = post(gw.baseUrl()
                    + "/admin/extensions/DurableTaskExtension/entities/CLEAN?removeEmptyEntities=false", null);
            assertEquals(Json.MAPPER.readTree("{\"emptyEntitiesRemoved\": 0, \"orphanedLocksReleased\": 2}"), json(locksOnly));
            assertEquals(1, hub.allInputs("@counter@empty", "SignalEntity").size());
        }
    }

    static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(i -> ids.add("@" + i.get("entityId").get("name").asText() + "@" + i.get("entityId").get("key").asText()));
        return ids;
    }

    private static List<String> instanceIds(JsonNode array) {
        return ListInstancesTest.ids(array);
    }
}
