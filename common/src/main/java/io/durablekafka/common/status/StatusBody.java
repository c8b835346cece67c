package io.durablekafka.common.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An instance's status as the Durable Functions HTTP API shows it: the body of {@code GET .../instances/{id}}, the
 * items of a list and the data of status events. The one home of its field names and order, which the gateway
 * writes and the Java client reads. Times are ISO-8601 UTC strings with seconds precision, as Azure shows them.
 *
 * @param input          the input, or JSON null when not asked for
 * @param output         the output; a Failed instance's is the message
 *                       {@code Orchestrator function '<name>' failed: <message>}
 * @param failureDetails present for Failed instances only
 * @param historyEvents  present only when the history was asked for
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime",
        "lastUpdatedTime", "failureDetails", "historyEvents"})
public record StatusBody(
        String name,
        String instanceId,
        String runtimeStatus,
        JsonNode input,
        JsonNode customStatus,
        JsonNode output,
        String createdTime,
        String lastUpdatedTime,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode failureDetails,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode historyEvents) {
}
