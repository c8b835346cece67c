package io.durablekafka.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.sdk.EntityInstanceId;

/**
 * A durable entity's state as the gateway serves it ({@code GET .../entities/{name}/{key}}).
 *
 * @param entityId the entity (its name in lower case, as the gateway keeps it)
 * @param state    its state, the JSON value itself
 */
public record EntityMetadata(EntityInstanceId entityId, JsonNode state) {

    public <T> T readStateAs(Class<T> type) {
        return Json.fromTree(state, type);
    }
}
