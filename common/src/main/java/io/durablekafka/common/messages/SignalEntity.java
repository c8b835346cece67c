package io.durablekafka.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * Runs operation {@code operation} of entity {@code instanceId} ({@code @name@key}) without an answer (a
 * one-way signal). The entity is created on its first operation. External producers may write this record.
 *
 * @param scheduledTime optional: the operation runs no earlier than this
 * @param source        optional: the orchestration or entity that sent the signal (informational)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SignalEntity(String instanceId, String operation, JsonNode input, Instant scheduledTime, String source)
        implements EntityMessage {

    public static SignalEntity of(String entityId, String operation, JsonNode input) {
        return new SignalEntity(entityId, operation, input, null, null);
    }
}
