package io.durablekafka.node.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.serde.Json;
import java.io.IOException;

/**
 * Reads an input record of {@code orchestrations} into a message, or says why it cannot be used (the record is then
 * dead-lettered): not JSON, an unknown type, a schema version newer than this node knows, a key that is not the
 * message's instance ID, an ID the store's key layout cannot hold.
 */
final class MessageDecoder {

    private MessageDecoder() {
    }

    static OrchestrationMessage decode(String key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("record has no value");
        }
        OrchestrationMessage message;
        try {
            JsonNode tree = Json.MAPPER.readTree(value);
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException("the value is not a JSON object"
                        + (tree == null || tree.isMissingNode() ? " (empty)" : " (" + tree.getNodeType() + ")"));
            }
            JsonNode v = tree.path("v");
            if (v.isInt() && v.intValue() > OrchestrationMessage.SCHEMA_VERSION) {
                throw new IllegalArgumentException("schema version " + v.intValue() + " is newer than this node understands ("
                        + OrchestrationMessage.SCHEMA_VERSION + ")");
            }
            message = Json.MAPPER.treeToValue(tree, OrchestrationMessage.class);
        } catch (JsonProcessingException e) {
            // Jackson's own message adds a second line about where (and that the source is redacted): keep it short.
            var at = e.getLocation();
            throw new IllegalArgumentException(e.getOriginalMessage()
                    + (at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String id = message.instanceId();
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("message has no instanceId");
        }
        if (!id.equals(key)) {
            throw new IllegalArgumentException("record key '" + key + "' differs from instanceId '" + id
                    + "'; the key must be the instance ID");
        }
        if (id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("instance ID contains a NUL character (U+0000), which IDs must not");
        }
        return message;
    }
}
