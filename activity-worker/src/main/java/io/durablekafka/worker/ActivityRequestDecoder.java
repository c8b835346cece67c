package io.durablekafka.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.serde.Json;
import java.io.IOException;

/**
 * Reads task-queue record values strictly. Jackson alone would accept too much (a missing task ID reads as 0,
 * {@code v} is ignored), and running an activity for a request that was misread is worse than dead-lettering it.
 */
public final class ActivityRequestDecoder {

    private static final String TYPE = "ActivityRequest";

    public ActivityRequest decode(byte[] value) throws UnreadableRecordException {
        if (value == null) {
            throw new UnreadableRecordException("record has no value");
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw new UnreadableRecordException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UnreadableRecordException("not JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new UnreadableRecordException("not a JSON object");
        }
        checkVersion(tree.get("v"));
        JsonNode type = tree.get("type");
        if (type != null && !type.isNull() && !TYPE.equals(type.asText())) {
            throw new UnreadableRecordException("type '" + type.asText() + "' is not " + TYPE);
        }
        requireText(tree, "instanceId");
        requireText(tree, "executionId");
        requireText(tree, "name");
        JsonNode taskId = tree.get("taskId");
        if (taskId == null || !taskId.isInt()) {
            throw new UnreadableRecordException("taskId is missing or not a 32-bit integer");
        }
        try {
            return Json.MAPPER.treeToValue(tree, ActivityRequest.class);
        } catch (JsonProcessingException e) {
            throw new UnreadableRecordException("not a valid " + TYPE + ": " + e.getOriginalMessage());
        }
    }

    private static void checkVersion(JsonNode v) throws UnreadableRecordException {
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isIntegralNumber()) {
            throw new UnreadableRecordException("schema version v=" + v + " is not a whole number");
        }
        if (!v.canConvertToInt() || v.intValue() > ActivityRequest.SCHEMA_VERSION) {
            throw new UnreadableRecordException("schema version v=" + v
                    + " is newer than this worker understands (v=" + ActivityRequest.SCHEMA_VERSION + ")");
        }
    }

    private static void requireText(JsonNode tree, String field) throws UnreadableRecordException {
        JsonNode node = tree.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new UnreadableRecordException(field + " is missing or not a non-empty string");
        }
    }
}
