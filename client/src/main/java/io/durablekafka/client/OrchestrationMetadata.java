package io.durablekafka.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.status.StatusBody;
import java.time.Instant;

/**
 * An orchestration instance's status as the gateway reports it ({@code GET .../instances/{id}}).
 *
 * @param name           the orchestration's name
 * @param instanceId     the instance ID
 * @param runtimeStatus  its runtime status
 * @param createdAt      when it was created (seconds precision)
 * @param lastUpdatedAt  when its status last changed (seconds precision)
 * @param input          its input, or null when not fetched
 * @param output         its output, or null when not fetched. A Failed instance's output is the message
 *                       {@code Orchestrator function '<name>' failed: <message>}, a Terminated one's the reason.
 * @param customStatus   the custom status the orchestration set, or null
 * @param failureDetails why it failed (Failed instances only)
 */
public record OrchestrationMetadata(
        String name,
        String instanceId,
        RuntimeStatus runtimeStatus,
        Instant createdAt,
        Instant lastUpdatedAt,
        JsonNode input,
        JsonNode output,
        JsonNode customStatus,
        FailureDetails failureDetails) {

    /** Reads a status body of the gateway; {@code withInputsAndOutputs} false leaves input and output null. */
    static OrchestrationMetadata fromJson(JsonNode json, boolean withInputsAndOutputs) {
        StatusBody body = Json.fromTree(json, StatusBody.class);
        JsonNode failure = value(body.failureDetails());
        return new OrchestrationMetadata(
                body.name(),
                body.instanceId(),
                body.runtimeStatus() == null ? null : RuntimeStatus.parse(body.runtimeStatus()),
                instant(body.createdTime()),
                instant(body.lastUpdatedTime()),
                withInputsAndOutputs ? value(body.input()) : null,
                withInputsAndOutputs ? value(body.output()) : null,
                value(body.customStatus()),
                failure == null ? null : Json.fromTree(failure, FailureDetails.class));
    }

    /** Pending, Running, Suspended or ContinuedAsNew: the instance has not ended. */
    public boolean isRunning() {
        return runtimeStatus != null && !runtimeStatus.isTerminal();
    }

    /** Completed, Failed, Terminated or Canceled. */
    public boolean isCompleted() {
        return runtimeStatus != null && runtimeStatus.isTerminal();
    }

    public <T> T readInputAs(Class<T> type) {
        return Json.fromTree(input, type);
    }

    public <T> T readOutputAs(Class<T> type) {
        return Json.fromTree(output, type);
    }

    public <T> T readCustomStatusAs(Class<T> type) {
        return Json.fromTree(customStatus, type);
    }

    private static JsonNode value(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? null : v;
    }

    private static Instant instant(String s) {
        return s == null || s.isBlank() ? null : Instant.parse(s);
    }
}
