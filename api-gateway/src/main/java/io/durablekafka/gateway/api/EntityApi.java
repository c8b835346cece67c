package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.views.EntityQuery;
import io.durablekafka.gateway.views.EntityView;
import io.durablekafka.gateway.views.Page;
import io.durablekafka.sdk.EntityInstanceId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Locale;
import java.util.Set;

/**
 * The durable entity operations of the Durable Functions HTTP API: signal ({@code POST}), delete
 * ({@code DELETE}, a signal of {@code delete}), get the state, list, and clean the entity storage.
 *
 * <p>An entity {@code (name, key)} is the instance ID {@code @name@key} with the name in lower case. Its state,
 * lock and last operation time come from the entity view, the nodes' record of each entity ({@link EntityView}).
 * Signals are {@link SignalEntity} records on the hub's {@code orchestrations} topic, keyed by the entity ID.
 */
public final class EntityApi {

    /** The operation {@code DELETE} signals. */
    public static final String DELETE_OPERATION = EntityOperations.DELETE_OPERATION;
    /** {@code source} of the signals the HTTP API sends. */
    public static final String HTTP_SOURCE = "http";
    /** {@code source} of the {@code delete} signals a storage clean-up sends. */
    public static final String CLEAN_SOURCE = EntityOperations.CLEAN_SOURCE;
    /** Entity tokens differ from instance tokens: one cannot be used for the other list. */
    private static final ContinuationToken TOKENS = new ContinuationToken("e1|", "an entity list");
    /** ISO-8601 UTC with as many fraction digits as needed, as the extension writes {@code lastOperationTime}. */
    private static final DateTimeFormatter LAST_OPERATION_TIME = new DateTimeFormatterBuilder().appendInstant(-1)
            .toFormatter(Locale.ROOT);

    private final EntityOperations operations;

    /**
     * @param knownEntities  entity names a signal may use (any case); empty accepts any
     * @param barrierTimeout longest a read waits for the views to be consistent with Kafka
     * @param scanBudget     entities a list page visits at most
     */
    public EntityApi(Set<String> knownEntities, Duration barrierTimeout, int scanBudget) {
        this.operations = new EntityOperations(knownEntities, barrierTimeout, scanBudget);
    }

    /** The operations behind these routes, which the gateway's other protocols share. */
    public EntityOperations operations() {
        return operations;
    }

    // ------------------------------------------------------------------------------------------ signal

    /**
     * {@code POST .../entities/{entityName}/{entityKey}?op=}: 202 once the {@code SignalEntity} is in Kafka. The
     * body is the operation's input (JSON; empty: null). 400 for an invalid name or key, a missing {@code op},
     * a body that is not {@code application/json} or not JSON; 404 for an entity name that is not registered.
     */
    public void signal(Call call) throws Exception {
        String entityId = entityId(call);
        String op = call.query("op");
        if (op == null || op.isEmpty()) {
            throw ApiException.badRequest("MissingOperation", "The 'op' query parameter must name the operation to "
                    + "run, e.g. ?op=add (the nodes refuse signals without an operation name).");
        }
        send(call, entityId, op);
    }

    /** {@code DELETE .../entities/{entityName}/{entityKey}}: signals the operation {@code delete} (202). */
    public void delete(Call call) throws Exception {
        send(call, entityId(call), DELETE_OPERATION);
    }

    private void send(Call call, String entityId, String operation) throws Exception {
        JsonNode input = input(call);
        operations.signal(call.hub(), entityId, operation, input, null, HTTP_SOURCE, call.trace());
        call.ctx().status(202);
    }

    /** The operation input: an empty body is null; otherwise the body must be {@code application/json}. */
    private static JsonNode input(Call call) throws Exception {
        byte[] body = call.body();
        if (new String(body, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        String mediaType = call.mediaType();
        if (!"application/json".equals(mediaType)) {
            throw ApiException.badRequest("UnsupportedContentType", "The request content must be application/json"
                    + (mediaType == null ? " (no Content-Type was sent)." : ", not " + mediaType + "."));
        }
        return JsonResponses.parseBody(body);
    }

    // --------------------------------------------------------------------------------------------- get

    /**
     * {@code GET .../entities/{entityName}/{entityKey}}: 200 with the entity's state as the body, 404 when the
     * entity does not exist (never signaled, deleted, or without state). A miss runs the read barrier first.
     */
    public void get(Call call) throws InterruptedException {
        String entityId = entityId(call);
        EntityView entity = operations.find(call.hub(), entityId).orElseThrow(() ->
                new ApiException(404, "EntityNotFound", "No entity '" + call.path("entityKey") + "' of '"
                        + call.path("entityName") + "' (" + entityId + ") was found."));
        JsonResponses.send(call.ctx(), 200, entity.state());
    }

    // -------------------------------------------------------------------------------------------- list

    /**
     * {@code GET .../entities[/{entityName}]?fetchState=&lastOperationTimeFrom=&lastOperationTimeTo=&top=}: one
     * page of entities in entity ID order, each {@code {"entityId": {"key", "name"}, "lastOperationTime"}} plus
     * {@code "state"} with {@code fetchState=true}; paged with {@code x-ms-continuation-token} like the
     * instance list.
     */
    public void list(Call call) throws InterruptedException {
        String name = call.path("entityName");
        if (name != null) {
            validateName(name);
        }
        EntityQuery query = new EntityQuery(name, InstanceApi.time(call, "lastOperationTimeFrom"),
                InstanceApi.time(call, "lastOperationTimeTo"));
        int top = InstanceApi.top(call);
        boolean fetchState = InstanceApi.flag(call, "fetchState", false);
        Page<EntityView> page = operations.list(call.hub(), query, call.header(InstanceApi.CONTINUATION_HEADER), top);
        ArrayNode body = Json.MAPPER.createArrayNode();
        for (EntityView entity : page.items()) {
            body.add(render(entity, fetchState));
        }
        String continuation = EntityOperations.continuation(page);
        if (continuation != null) {
            call.ctx().header(InstanceApi.CONTINUATION_HEADER, continuation);
        }
        JsonResponses.send(call.ctx(), 200, body);
    }

    /** An entity as the extension lists it ({@code DurableEntityStatus}). */
    static ObjectNode render(EntityView entity, boolean fetchState) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        ObjectNode entityId = item.putObject("entityId");
        entityId.put("key", entity.key());
        entityId.put("name", entity.name());
        Instant last = entity.lastOperationTime();
        item.put("lastOperationTime", last == null ? null : LAST_OPERATION_TIME.format(last));
        if (fetchState) {
            item.set("state", StatusRenderer.orNull(entity.state()));
        }
        return item;
    }

    static String encodeToken(String key) {
        return TOKENS.encode(key);
    }

    /** The key a continuation token resumes after, or null for the first page. */
    static String decodeToken(String token) {
        return TOKENS.decode(token);
    }

    // ------------------------------------------------------------------------------------------- clean

    /**
     * {@code POST .../entities/clean?removeEmptyEntities=&releaseOrphanedLocks=} (both default true), the HTTP
     * form of {@code CleanEntityStorageAsync}: releases every lock held by an orchestration that has ended or
     * does not exist (a {@code ReleaseEntityLock} to the entity, naming the critical section that holds it), and
     * removes every entity whose record has no state and no lock (a {@code delete} signal). 200
     * {@code {"emptyEntitiesRemoved": n, "orphanedLocksReleased": m}} once the messages are in Kafka.
     */
    public void clean(Call call) throws Exception {
        boolean removeEmpty = InstanceApi.flag(call, "removeEmptyEntities", true);
        boolean releaseLocks = InstanceApi.flag(call, "releaseOrphanedLocks", true);
        EntityOperations.Cleaned cleaned = operations.clean(call.hub(), removeEmpty, releaseLocks, call.trace());
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("emptyEntitiesRemoved", cleaned.emptyEntitiesRemoved());
        body.put("orphanedLocksReleased", cleaned.orphanedLocksReleased());
        JsonResponses.send(call.ctx(), 200, body);
    }

    // ---------------------------------------------------------------------------------------- entity IDs

    /** The entity ID {@code @name@key} of the route's name and key (400 when either is invalid). */
    private static String entityId(Call call) {
        return entityId(call.path("entityName"), call.path("entityKey"));
    }

    /**
     * {@code @name@key} with the name in lower case.
     *
     * @throws ApiException 400 InvalidEntityName / InvalidEntityKey: an empty name or key, a control character,
     *                      or an '@' in the name
     */
    public static String entityId(String name, String key) {
        validateName(name);
        if (key == null || key.isEmpty()) {
            throw ApiException.badRequest("InvalidEntityKey", "The entity key must not be empty.");
        }
        String control = controlCharacter(key);
        if (control != null) {
            throw ApiException.badRequest("InvalidEntityKey", "The entity key must not contain control characters "
                    + "(found " + control + ").");
        }
        return new EntityInstanceId(name, key).toString();
    }

    static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("InvalidEntityName", "The entity name must not be empty.");
        }
        if (name.indexOf('@') >= 0) {
            throw ApiException.badRequest("InvalidEntityName", "The entity name '" + name + "' must not contain '@'.");
        }
        String control = controlCharacter(name);
        if (control != null) {
            throw ApiException.badRequest("InvalidEntityName", "The entity name must not contain control characters "
                    + "(found " + control + ").");
        }
    }

    private static String controlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return String.format("U+%04X", (int) s.charAt(i));
            }
        }
        return null;
    }
}
