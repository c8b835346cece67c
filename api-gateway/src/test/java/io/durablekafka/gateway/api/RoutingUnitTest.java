package io.durablekafka.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.GatewayOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Routing, parameter parsing, continuation tokens, options and the OpenAPI document, without Kafka. */
class RoutingUnitTest {

    private static final Router ROUTES = ApiRoutes.build(
            new InstanceApi(Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10), new OpenApi());

    private static Router.Found found(String method, String path) {
        return assertInstanceOf(Router.Found.class, ROUTES.match(method, path), method + " " + path);
    }

    @Test
    void prefixesCaseTrailingSlashesAndDecoding() {
        assertEquals("listInstances", found("GET", "/runtime/webhooks/durabletask/instances").route().name());
        assertEquals("listInstances", found("GET", "/runtime/webhooks/durabletask/instances/").route().name());
        assertEquals("listInstances", found("GET", "/runtime/webhooks/durableTask/instances").route().name());
        assertEquals("listInstancesV1", found("GET", "/admin/extensions/DurableTaskExtension/instances").route().name());
        assertEquals("listInstancesV1", found("GET", "/admin/extensions/durabletaskextension/instances/").route().name());

        Router.Found status = found("GET", "/runtime/webhooks/durabletask/instances/a%2Fb%20c+d%C3%A9");
        assertEquals("getInstanceStatus", status.route().name());
        assertEquals("a/b c+dé", status.params().get("instanceId"));

        Router.Found raise = found("POST", "/runtime/webhooks/durabletask/instances/x/RAISEEVENT/Approval%20Event");
        assertEquals("raiseEvent", raise.route().name());
        assertEquals("Approval Event", raise.params().get("eventName"));
        assertEquals("terminateInstance", found("POST", "/runtime/webhooks/durabletask/instances/x/Terminate").route().name());
        assertEquals("startOrchestration", found("POST", "/runtime/webhooks/durabletask/orchestrators/Hello/").route().name());
        assertEquals("startOrchestrationWithId", found("POST", "/runtime/webhooks/durabletask/orchestrators/Hello/id1").route().name());

        // The literal "start" wins over an instance ID in the management routes.
        assertEquals("managementStart", found("POST", "/runtime/orchestrations/start/terminate").route().name());
        assertEquals("managementTerminate", found("POST", "/runtime/orchestrations/abc/terminate").route().name());
        assertEquals("managementGetStatus", found("GET", "/runtime/orchestrations/start").route().name());

        assertInstanceOf(Router.NotFound.class, ROUTES.match("GET", "/runtime/webhooks/durabletask/nothing"));
        assertInstanceOf(Router.NotFound.class, ROUTES.match("POST", "/runtime/webhooks/durabletask/instances/x/explode"));
        assertInstanceOf(Router.NotFound.class, ROUTES.match("GET", "/runtime/webhooks/durabletask/instances//x"));
        Router.MethodNotAllowed m = assertInstanceOf(Router.MethodNotAllowed.class,
                ROUTES.match("PUT", "/runtime/webhooks/durabletask/instances/x"));
        assertEquals(Set.of("GET", "DELETE"), m.allowed());
        ApiException bad = assertThrows(ApiException.class,
                () -> ROUTES.match("GET", "/runtime/webhooks/durabletask/instances/%zz"));
        assertEquals(400, bad.status());
    }

    @Test
    void entityRoutes() {
        String base = "/runtime/webhooks/durabletask/entities";
        assertEquals("listEntities", found("GET", base).route().name());
        assertEquals("listEntities", found("GET", base + "/").route().name());
        assertEquals("listEntitiesV1", found("GET", "/admin/extensions/DurableTaskExtension/entities").route().name());
        Router.Found byName = found("GET", "/runtime/webhooks/durableTask/Entities/Counter");
        assertEquals("listEntitiesByName", byName.route().name());
        assertEquals("Counter", byName.params().get("entityName"));
        Router.Found get = found("GET", base + "/Counter/a%2Fb+c%20d");
        assertEquals("getEntity", get.route().name());
        assertEquals("a/b+c d", get.params().get("entityKey"));
        assertEquals("signalEntity", found("POST", base + "/Counter/k").route().name());
        assertEquals("deleteEntity", found("DELETE", base + "/Counter/k/").route().name());
        // "clean" is a literal for POST only: an entity named clean can still be listed and signaled.
        assertEquals("cleanEntityStorage", found("POST", base + "/CLEAN").route().name());
        assertEquals("cleanEntityStorageV1", found("POST", "/admin/extensions/DurableTaskExtension/entities/clean/").route().name());
        assertEquals("listEntitiesByName", found("GET", base + "/clean").route().name());
        assertEquals("signalEntity", found("POST", base + "/clean/k").route().name());
        assertEquals(Set.of("GET"), assertInstanceOf(Router.MethodNotAllowed.class, ROUTES.match("POST", base + "/Counter")).allowed());
        assertEquals(Set.of("GET", "POST", "DELETE"),
                assertInstanceOf(Router.MethodNotAllowed.class, ROUTES.match("PUT", base + "/Counter/k")).allowed());
        assertInstanceOf(Router.NotFound.class, ROUTES.match("GET", base + "/a/b/c"));
    }

    @Test
    void entityIdsAndTokens() {
        assertEquals("@counter@Steps", EntityApi.entityId("CoUnTeR", "Steps"));
        assertEquals("@counter@a@b/c", EntityApi.entityId("counter", "a@b/c"));
        String[][] bad = {{"", "k", "InvalidEntityName"}, {"a@b", "k", "InvalidEntityName"},
                {"a\u0001", "k", "InvalidEntityName"}, {"counter", "", "InvalidEntityKey"},
                {"counter", "x\ty", "InvalidEntityKey"}, {"counter", "x\u007f", "InvalidEntityKey"}};
        for (String[] b : bad) {
            ApiException e = assertThrows(ApiException.class, () -> EntityApi.entityId(b[0], b[1]));
            assertEquals(400, e.status());
            assertEquals(b[2], e.error());
        }
        for (String id : List.of("@counter@a", "@counter@ünï|côdé@x")) {
            assertEquals(id, EntityApi.decodeToken(EntityApi.encodeToken(id)));
        }
        assertNull(EntityApi.decodeToken(null));
        assertEquals("InvalidContinuationToken", assertThrows(ApiException.class,
                () -> EntityApi.decodeToken(InstanceApi.encodeToken("order-1"))).error());
        assertEquals("InvalidContinuationToken", assertThrows(ApiException.class,
                () -> InstanceApi.decodeToken(EntityApi.encodeToken("@counter@a"))).error());
    }

    @Test
    void entityListItems() throws Exception {
        var entity = new io.durablekafka.gateway.views.EntityView(new io.durablekafka.common.store.EntityState(
                "@counter@a@b", io.durablekafka.common.serde.Json.toTree(5), null, java.util.List.of(),
                Instant.parse("2019-12-18T21:45:00Z"), Instant.parse("2019-12-18T21:45:44.6326361Z"), 1, 3, 0));
        assertEquals("{\"entityId\":{\"key\":\"a@b\",\"name\":\"counter\"},\"lastOperationTime\":"
                + "\"2019-12-18T21:45:44.6326361Z\"}", EntityApi.render(entity, false).toString());
        assertEquals(5, EntityApi.render(entity, true).get("state").asInt());
    }

    @Test
    void eventStreamRoutesAndTheirLiteral() {
        assertEquals("streamInstancesEvents", found("GET", "/runtime/webhooks/durabletask/instances/events").route().name());
        assertEquals("streamInstancesEventsV1", found("GET", "/admin/extensions/DurableTaskExtension/instances/Events/")
                .route().name());
        assertEquals("streamInstanceEvents", found("GET", "/runtime/webhooks/durabletask/instances/x/events").route().name());
        // Only GET is taken by the literal: an instance named "events" can still be purged.
        assertEquals("purgeInstance", found("DELETE", "/runtime/webhooks/durabletask/instances/events").route().name());
        assertEquals("managementGetStatus", found("GET", "/runtime/orchestrations/events").route().name());
    }

    @Test
    void theOpenApiDocumentListsExactlyTheRegisteredRoutes() {
        ObjectNode doc = new OpenApi().document();
        assertEquals("3.0.3", doc.get("openapi").asText());
        Set<String> documented = new TreeSet<>();
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (op.getValue().has("operationId")) {
                documented.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + op.getValue().get("operationId").asText());
            }
        }));
        Set<String> registered = new TreeSet<>();
        for (Router.Route r : ROUTES.routes()) {
            registered.add(r.method() + " " + r.template() + " " + r.name());
        }
        assertEquals(registered, documented);

        // Every parameter and response reference resolves, and path parameters match the templates.
        JsonNode components = doc.get("components");
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            Set<String> pathParams = new TreeSet<>();
            for (JsonNode p : op.getValue().path("parameters")) {
                JsonNode param = resolve(components, p);
                if (param.get("in").asText().equals("path")) {
                    pathParams.add(param.get("name").asText());
                }
            }
            op.getValue().path("responses").properties().forEach(resp -> resolve(components, resp.getValue()));
            Set<String> templateParams = new TreeSet<>();
            var matcher = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
            while (matcher.find()) {
                templateParams.add(matcher.group(1));
            }
            assertEquals(templateParams, pathParams, op.getKey() + " " + path.getKey());
        }));
    }

    private static JsonNode resolve(JsonNode components, JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        String[] parts = node.get("$ref").asText().replace("#/components/", "").split("/");
        JsonNode target = components.path(parts[0]).path(parts[1]);
        assertTrue(target.isObject(), "unresolved " + node);
        return target;
    }

    @Test
    void timesAreParsedLikeTheExtensionDoes() {
        assertEquals(Instant.parse("2024-01-15T10:00:00Z"), InstanceApi.parseTime("t", "2024-01-15T10:00:00Z"));
        assertEquals(Instant.parse("2024-01-15T09:00:00Z"), InstanceApi.parseTime("t", "2024-01-15T10:00:00+01:00"));
        // '+' of an unencoded offset arrives as a space
        assertEquals(Instant.parse("2024-01-15T09:00:00Z"), InstanceApi.parseTime("t", "2024-01-15T10:00:00 01:00"));
        assertEquals(Instant.parse("2024-01-15T10:00:00.123456Z"), InstanceApi.parseTime("t", "2024-01-15T10:00:00.123456"));
        assertEquals(Instant.parse("2024-01-15T10:00:00Z"), InstanceApi.parseTime("t", "2024-01-15 10:00:00"));
        assertEquals(Instant.parse("2024-01-15T00:00:00Z"), InstanceApi.parseTime("t", "2024-01-15"));
        assertEquals(Instant.parse("0001-01-01T00:00:00Z"), InstanceApi.parseTime("t", "1-01-01T00:00:00.000000Z"));
        ApiException e = assertThrows(ApiException.class, () -> InstanceApi.parseTime("createdTimeFrom", "yesterday"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("createdTimeFrom"));
    }

    @Test
    void continuationTokensRoundTripAndForeignOnesAreRejected() {
        for (String id : List.of("a", "abc|def", "ünï côdé", "x".repeat(256))) {
            String token = InstanceApi.encodeToken(id);
            assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
            assertEquals(id, InstanceApi.decodeToken(token));
        }
        assertNull(InstanceApi.decodeToken(null));
        assertNull(InstanceApi.decodeToken(" "));
        assertNull(InstanceApi.decodeToken("null"));
        for (String bad : List.of("!!!", "YWJj" /* "abc" without the version */)) {
            assertEquals("InvalidContinuationToken", assertThrows(ApiException.class, () -> InstanceApi.decodeToken(bad)).error());
        }
    }

    @Test
    void optionsWithHubsConnectionsKeysAndLimits() {
        Settings settings = Settings.of(Map.of("dk.bootstrap.servers", "k:9092", "dk.task.hub", "Hub1",
                "dk.gateway.task.hubs", "Hub2, Hub1 ,Hub3", "dk.gateway.connections", "Storage,Other",
                "dk.gateway.system.key", "all", "dk.gateway.system.key.Hub2", "two",
                "dk.gateway.max.body.bytes", "2048", "dk.gateway.max.wait.seconds", "30",
                "dk.gateway.purge.wait.ms", "250"));
        GatewayOptions o = GatewayOptions.fromSettings(settings, Set.of());
        assertEquals("Hub1", o.topics().taskHub());
        assertEquals(List.of("Hub1", "Hub2", "Hub3"), o.taskHubs());
        assertEquals(List.of("Storage", "Other"), o.connections());
        assertEquals("Storage", o.defaultConnection());
        assertEquals("all", o.systemKey());
        assertEquals(Map.of("Hub2", "two"), Map.copyOf(o.hubSystemKeys()));
        assertEquals(2048, o.maxBodyBytes());
        assertEquals(Duration.ofSeconds(30), o.maxWait());
        assertEquals(Duration.ofMillis(250), o.purgeWait());
        GatewayOptions waits = GatewayOptions.fromSettings(Settings.of(Map.of("dk.bootstrap.servers", "k:9092",
                "dk.gateway.max.long.poll.seconds", "20", "dk.gateway.sse.heartbeat.seconds", "5")), Set.of());
        assertEquals(Duration.ofSeconds(20), waits.maxLongPoll());
        assertEquals(Duration.ofSeconds(5), waits.sseHeartbeat());

        // Without dk.task.hub the first listed hub is the default; without anything, the built-in defaults.
        GatewayOptions first = GatewayOptions.fromSettings(Settings.of(Map.of("dk.bootstrap.servers", "k:9092",
                "dk.gateway.task.hubs", "Alpha,Beta")), Set.of());
        assertEquals("Alpha", first.topics().taskHub());
        assertEquals(List.of("Alpha", "Beta"), first.taskHubs());
        GatewayOptions plain = GatewayOptions.of("k:9092", new TopicNames("Solo"));
        assertEquals(List.of("Solo"), plain.taskHubs());
        assertEquals(List.of("Storage"), plain.connections());
        assertNull(plain.systemKey());
        assertEquals(GatewayOptions.DEFAULT_MAX_BODY_BYTES, plain.maxBodyBytes());
        assertEquals(Duration.ofSeconds(60), plain.maxLongPoll());
        assertEquals(Duration.ofSeconds(15), plain.sseHeartbeat());
        assertEquals(Duration.ofSeconds(7), plain.withMaxLongPoll(Duration.ofSeconds(7)).withPort(1).maxLongPoll());
        assertThrows(IllegalArgumentException.class, () -> plain.withSseHeartbeat(Duration.ZERO));

        assertThrows(IllegalArgumentException.class, () -> plain.withHubSystemKeys(Map.of("Unknown", "k")));
        assertThrows(IllegalArgumentException.class, () -> plain.withTaskHubs(List.of("solo2", "SOLO2")));
        assertThrows(IllegalArgumentException.class, () -> plain.withTaskHubs(List.of("bad hub")));
        assertEquals(8080, plain.withPort(8080).port());

        // Entity names: none by default (any accepted), from the three-argument factory, or set afterwards.
        assertEquals(Set.of(), o.knownEntities());
        GatewayOptions withEntities = GatewayOptions.fromSettings(settings, Set.of("Hello"), Set.of("Counter"));
        assertEquals(Set.of("Counter"), withEntities.knownEntities());
        assertEquals(Set.of("Hello"), withEntities.knownOrchestrations());
        assertEquals(Set.of("Counter"), withEntities.withPort(1).withMaxBodyBytes(5).knownEntities());
        assertEquals(Set.of("Device"), plain.withKnownEntities(Set.of("Device")).knownEntities());
    }
}
