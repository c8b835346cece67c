package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET .../registry}, durable-kafka's own read-only route: the task hubs this gateway serves and the
 * orchestration and entity names it knows are registered, so that a client (the dashboard) can offer them
 * instead of having the user guess. Hub-scoped: it needs the key of the requested hub like every other route.
 */
public final class RegistryApi {

    private final List<String> taskHubs;
    private final Set<String> orchestrations;
    private final Set<String> entities;

    /**
     * @param taskHubs       the served hubs, the default first
     * @param orchestrations the registered orchestration names (empty: the gateway accepts any name)
     * @param entities       the registered entity names (empty: any)
     */
    public RegistryApi(List<String> taskHubs, Set<String> orchestrations, Set<String> entities) {
        this.taskHubs = List.copyOf(taskHubs);
        this.orchestrations = new TreeSet<>(orchestrations);
        this.entities = new TreeSet<>(entities);
    }

    /** A registry that knows no names (gateways built without them, as in unit tests). */
    public static RegistryApi empty() {
        return new RegistryApi(List.of(), Set.of(), Set.of());
    }

    void serve(Call call) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("taskHub", call.hub().name());
        var hubs = body.putArray("taskHubs");
        if (taskHubs.isEmpty()) {
            hubs.add(call.hub().name());
        }
        taskHubs.forEach(hubs::add);
        orchestrations.forEach(body.putArray("orchestrations")::add);
        entities.forEach(body.putArray("entities")::add);
        JsonResponses.send(call.ctx(), 200, body);
    }
}
