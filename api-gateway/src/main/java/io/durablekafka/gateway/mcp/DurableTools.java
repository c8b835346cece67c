package io.durablekafka.gateway.mcp;

import static io.durablekafka.gateway.mcp.Schemas.any;
import static io.durablekafka.gateway.mcp.Schemas.array;
import static io.durablekafka.gateway.mcp.Schemas.bool;
import static io.durablekafka.gateway.mcp.Schemas.integer;
import static io.durablekafka.gateway.mcp.Schemas.nullableString;
import static io.durablekafka.gateway.mcp.Schemas.object;
import static io.durablekafka.gateway.mcp.Schemas.props;
import static io.durablekafka.gateway.mcp.Schemas.string;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.api.InstanceApi;
import io.durablekafka.gateway.mcp.ToolDefinition.Hints;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The MCP tools of the gateway: the fourteen of the Durable Functions HTTP API capability (names, descriptions,
 * parameters and hints as it lists them), plus {@code waitforinstance} and {@code getinstancehistory}. Each tool is
 * one HTTP route: its arguments become that route's path, query and body, and the route's answer its result.
 */
final class DurableTools {

    /** How long {@code waitforinstance} waits when not told (the gateway cuts it to its long-poll maximum). */
    static final int DEFAULT_WAIT_SECONDS = 60;

    private DurableTools() {
    }

    static List<ToolDefinition> all() {
        return List.of(
                new ToolDefinition("startorchestration", "Start orchestration", Hints.WRITE,
                        input(props().with("functionName", string("The orchestrator function to start."))
                                .with("input", any("The orchestration's input: any JSON value.")), "functionName"),
                        STARTED,
                        a -> hub(a, RouteRequest.of("POST", "/orchestrators/{}", a.required("functionName")))
                                .body(a.json("input")),
                        DurableTools::bodyObject),
                new ToolDefinition("startorchestrationwithid", "Start orchestration with explicit instance ID",
                        Hints.WRITE,
                        input(props().with("functionName", string("The orchestrator function to start."))
                                .with("instanceId", string("The ID the new instance gets (refused while an active "
                                        + "instance has it)."))
                                .with("input", any("The orchestration's input: any JSON value.")),
                                "functionName", "instanceId"),
                        STARTED,
                        a -> hub(a, RouteRequest.of("POST", "/orchestrators/{}/{}", a.required("functionName"),
                                a.required("instanceId"))).body(a.json("input")),
                        DurableTools::bodyObject),
                new ToolDefinition("listinstances", "List instances", Hints.READ,
                        input(props()
                                .with("createdTimeFrom", string("Only instances created at or after this time (ISO 8601)."))
                                .with("createdTimeTo", string("Only instances created at or before this time (ISO 8601)."))
                                .with("runtimeStatus", string("Only instances in these states, comma-separated: "
                                        + "Pending, Running, Completed, Failed, Terminated, Suspended, Canceled."))
                                .with("instanceIdPrefix", string("Only instances whose ID starts with this."))
                                .with("showInput", bool("Include each instance's input (default true)."))
                                .with("top", integer("At most this many instances per page (default 100)."))
                                .with("continuationToken", string("The continuationToken of the previous page."))),
                        object(props().with("instances", array("The instances of this page."))
                                .with("continuationToken", nullableString("Pass it to get the next page; absent on "
                                        + "the last page.")), List.of("instances")),
                        a -> hub(a, RouteRequest.of("GET", "/instances"))
                                .query("createdTimeFrom", a.text("createdTimeFrom"))
                                .query("createdTimeTo", a.text("createdTimeTo"))
                                .query("runtimeStatus", a.text("runtimeStatus"))
                                .query("instanceIdPrefix", a.text("instanceIdPrefix"))
                                .query("showInput", a.text("showInput"))
                                .query("top", a.text("top"))
                                .header(InstanceApi.CONTINUATION_HEADER, a.text("continuationToken")),
                        (a, r) -> page("instances", r)),
                new ToolDefinition("purgeinstances", "Purge multiple instance histories", Hints.DELETE,
                        input(props()
                                .with("createdTimeFrom", string("Purge instances created at or after this time "
                                        + "(ISO 8601; required by the API)."))
                                .with("createdTimeTo", string("... and at or before this time (ISO 8601; default now)."))
                                .with("runtimeStatus", string("Only instances in these terminal states, "
                                        + "comma-separated: Completed, Failed, Terminated, Canceled."))),
                        PURGED,
                        a -> hub(a, RouteRequest.of("DELETE", "/instances"))
                                .query("createdTimeFrom", a.text("createdTimeFrom"))
                                .query("createdTimeTo", a.text("createdTimeTo"))
                                .query("runtimeStatus", a.text("runtimeStatus")),
                        DurableTools::bodyObject),
                new ToolDefinition("getinstancestatus", "Get instance status", Hints.READ,
                        input(props().with("instanceId", INSTANCE_ID)
                                .with("showHistory", bool("Include the execution history (default false)."))
                                .with("showHistoryOutput", bool("Include outputs in the history (default false)."))
                                .with("showInput", bool("Include the input (default true)."))
                                .with("returnInternalServerErrorOnFailure", bool("Answer a Failed instance as an "
                                        + "error (HTTP 500) (default false).")), "instanceId"),
                        STATUS,
                        a -> hub(a, RouteRequest.of("GET", "/instances/{}", a.required("instanceId")))
                                .query("showHistory", a.text("showHistory"))
                                .query("showHistoryOutput", a.text("showHistoryOutput"))
                                .query("showInput", a.text("showInput"))
                                .query("returnInternalServerErrorOnFailure",
                                        a.text("returnInternalServerErrorOnFailure")),
                        DurableTools::bodyObject),
                new ToolDefinition("purgeinstance", "Purge single instance history", Hints.DELETE,
                        input(props().with("instanceId", INSTANCE_ID), "instanceId"),
                        PURGED,
                        a -> hub(a, RouteRequest.of("DELETE", "/instances/{}", a.required("instanceId"))),
                        DurableTools::bodyObject),
                new ToolDefinition("raiseevent", "Raise event", Hints.WRITE,
                        input(props().with("instanceId", INSTANCE_ID)
                                .with("eventName", string("The name of the event the orchestration waits for."))
                                .with("eventData", any("The event's data: any JSON value (default null).")),
                                "instanceId", "eventName"),
                        ACCEPTED,
                        a -> hub(a, RouteRequest.of("POST", "/instances/{}/raiseEvent/{}", a.required("instanceId"),
                                a.required("eventName"))).body(a.json("eventData")),
                        DurableTools::accepted),
                control("terminateinstance", "Terminate instance", "terminate"),
                control("suspendinstance", "Suspend instance", "suspend"),
                control("resumeinstance", "Resume instance", "resume"),
                control("rewindinstance", "Rewind instance (preview)", "rewind"),
                new ToolDefinition("getentity", "Get entity", Hints.READ,
                        input(props().with("entityName", ENTITY_NAME).with("entityKey", ENTITY_KEY),
                                "entityName", "entityKey"),
                        object(props().with("entityName", string("The entity's name."))
                                .with("entityKey", string("The entity's key."))
                                .with("state", any("The entity's state.")), List.of("entityName", "entityKey")),
                        a -> hub(a, RouteRequest.of("GET", "/entities/{}/{}", a.required("entityName"),
                                a.required("entityKey"))),
                        (a, r) -> {
                            Map<String, Object> out = new LinkedHashMap<>();
                            out.put("entityName", a.text("entityName"));
                            out.put("entityKey", a.text("entityKey"));
                            out.put("state", plain(r.body()));
                            return out;
                        }),
                new ToolDefinition("signalentity", "Signal entity", Hints.WRITE,
                        input(props().with("entityName", ENTITY_NAME).with("entityKey", ENTITY_KEY)
                                .with("op", string("The operation to run, e.g. add (required by the API)."))
                                .with("input", any("The operation's input: any JSON value (default null).")),
                                "entityName", "entityKey"),
                        ACCEPTED,
                        a -> hub(a, RouteRequest.of("POST", "/entities/{}/{}", a.required("entityName"),
                                a.required("entityKey"))).query("op", a.text("op")).body(a.json("input")),
                        DurableTools::accepted),
                new ToolDefinition("listentities", "List entities", Hints.READ,
                        input(props().with("entityName", string("Only entities of this name (all when absent)."))
                                .with("lastOperationTimeFrom", string("Only entities last operated on at or after "
                                        + "this time (ISO 8601)."))
                                .with("lastOperationTimeTo", string("... at or before this time (ISO 8601)."))
                                .with("fetchState", bool("Include each entity's state (default false)."))
                                .with("top", integer("At most this many entities per page (default 100)."))
                                .with("continuationToken", string("The continuationToken of the previous page."))),
                        object(props().with("entities", array("The entities of this page."))
                                .with("continuationToken", nullableString("Pass it to get the next page; absent on "
                                        + "the last page.")), List.of("entities")),
                        a -> hub(a, a.text("entityName") == null ? RouteRequest.of("GET", "/entities")
                                : RouteRequest.of("GET", "/entities/{}", a.text("entityName")))
                                .query("lastOperationTimeFrom", a.text("lastOperationTimeFrom"))
                                .query("lastOperationTimeTo", a.text("lastOperationTimeTo"))
                                .query("fetchState", a.text("fetchState"))
                                .query("top", a.text("top"))
                                .header(InstanceApi.CONTINUATION_HEADER, a.text("continuationToken")),
                        (a, r) -> page("entities", r)),
                new ToolDefinition("waitforinstance", "Wait for an instance to end (long-poll)", Hints.READ,
                        input(props().with("instanceId", INSTANCE_ID)
                                .with("timeoutSeconds", integer("Wait at most this long (default "
                                        + DEFAULT_WAIT_SECONDS + "; the gateway cuts it to "
                                        + "dk.gateway.max.long.poll.seconds)."))
                                .with("showInput", bool("Include the input (default true).")), "instanceId"),
                        object(props().with("finished", bool("Whether the instance has ended (Completed, Failed, "
                                        + "Terminated or Canceled); false when the wait timed out."))
                                .with("status", object("The instance's status, as getinstancestatus returns it.")),
                                List.of("finished", "status")),
                        a -> hub(a, RouteRequest.of("GET", "/instances/{}", a.required("instanceId")))
                                .query("timeoutSeconds", a.text("timeoutSeconds") == null ? DEFAULT_WAIT_SECONDS
                                        : a.text("timeoutSeconds"))
                                .query("showInput", a.text("showInput")),
                        (a, r) -> {
                            Map<String, Object> out = new LinkedHashMap<>();
                            // The status route answers 200 once the instance ended, 202 while it is active.
                            out.put("finished", r.status() == 200);
                            out.put("status", plain(r.body()));
                            return out;
                        }),
                new ToolDefinition("getinstancehistory", "Get instance history", Hints.READ,
                        input(props().with("instanceId", INSTANCE_ID)
                                .with("showHistoryOutput", bool("Include activity and sub-orchestration outputs in "
                                        + "the events (default true).")), "instanceId"),
                        object(props().with("instanceId", string("The instance ID."))
                                .with("runtimeStatus", string("The instance's runtime status."))
                                .with("historyEvents", array("The instance's history, oldest first.")),
                                List.of("instanceId", "historyEvents")),
                        a -> hub(a, RouteRequest.of("GET", "/instances/{}", a.required("instanceId")))
                                .query("showHistory", true)
                                .query("showHistoryOutput", a.text("showHistoryOutput") == null ? "true"
                                        : a.text("showHistoryOutput")),
                        DurableTools::bodyObject));
    }

    // ------------------------------------------------------------------------------------------ schemas

    private static final Map<String, Object> INSTANCE_ID = string("The orchestration instance ID.");
    private static final Map<String, Object> ENTITY_NAME = string("The entity's name, e.g. Counter.");
    private static final Map<String, Object> ENTITY_KEY = string("The entity's key.");
    private static final Map<String, Map<String, Object>> HUB = props()
            .with("taskHub", string("The task hub (default: the gateway's default hub)."))
            .with("connection", string("The connection name (default: the gateway's default)."));

    private static final Map<String, Object> STARTED = object(props()
            .with("id", string("The new instance's ID."))
            .with("statusQueryGetUri", string("The instance's status URL."))
            .with("sendEventPostUri", string("Its raise-event URL ({eventName} to fill in)."))
            .with("terminatePostUri", string("Its terminate URL."))
            .with("purgeHistoryDeleteUri", string("Its purge URL."))
            .with("suspendPostUri", string("Its suspend URL."))
            .with("resumePostUri", string("Its resume URL.")), List.of("id", "statusQueryGetUri"));
    private static final Map<String, Object> STATUS = object(props()
            .with("name", string("The orchestrator function."))
            .with("instanceId", string("The instance ID."))
            .with("runtimeStatus", string("Pending, Running, Completed, Failed, Terminated, Suspended or Canceled."))
            .with("input", any("The input."))
            .with("customStatus", any("The custom status the orchestration set."))
            .with("output", any("The output (or failure details)."))
            .with("createdTime", string("When it was created."))
            .with("lastUpdatedTime", string("When it last changed."))
            .with("historyEvents", array("The history, with showHistory.")), List.of("instanceId", "runtimeStatus"));
    private static final Map<String, Object> PURGED = object(props()
            .with("instancesDeleted", integer("How many instances were purged.")), List.of("instancesDeleted"));
    private static final Map<String, Object> ACCEPTED = object(props()
            .with("accepted", bool("The request was accepted (HTTP 202); it takes effect asynchronously.")),
            List.of("accepted"));

    /** A tool's input schema: its own properties plus {@code taskHub} and {@code connection}. */
    private static Map<String, Object> input(Map<String, Map<String, Object>> own, String... required) {
        return object(props().withAll(own).withAll(HUB), List.of(required));
    }

    private static ToolDefinition control(String name, String description, String action) {
        Function<ToolArguments, RouteRequest> request = a -> hub(a,
                RouteRequest.of("POST", "/instances/{}/" + action, a.required("instanceId")))
                .query("reason", a.text("reason"));
        return new ToolDefinition(name, description, Hints.WRITE,
                input(props().with("instanceId", INSTANCE_ID).with("reason", string("Why (recorded in the history).")),
                        "instanceId"),
                ACCEPTED, request, DurableTools::accepted);
    }

    // ----------------------------------------------------------------------------------- requests, results

    private static RouteRequest hub(ToolArguments a, RouteRequest request) {
        return request.query("taskHub", a.text("taskHub")).query("connection", a.text("connection"));
    }

    private static Map<String, Object> bodyObject(ToolArguments a, RouteResponse r) {
        Object body = plain(r.body());
        if (body instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) map;
            return out;
        }
        throw new IllegalStateException("the route answered " + r.status() + " without a JSON object");
    }

    private static Map<String, Object> accepted(ToolArguments a, RouteResponse r) {
        return Map.of("accepted", true);
    }

    /** A list page: the route's array and its continuation header. */
    private static Map<String, Object> page(String name, RouteResponse r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(name, plain(r.body()));
        String token = r.header(InstanceApi.CONTINUATION_HEADER);
        if (token != null) {
            out.put("continuationToken", token);
        }
        return out;
    }

    /** A JSON value as plain Java maps, lists and scalars, which the SDK's own JSON mapper writes as they are. */
    static Object plain(JsonNode node) {
        return node == null || node.isNull() ? null : Json.MAPPER.convertValue(node, Object.class);
    }
}
