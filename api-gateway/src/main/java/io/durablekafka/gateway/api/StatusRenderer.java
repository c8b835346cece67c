package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.status.StatusBody;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** An instance's status as the Durable Functions HTTP API shows it. */
public final class StatusRenderer {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private StatusRenderer() {
    }

    /** ISO-8601 UTC with seconds precision, e.g. {@code 2018-02-28T05:18:49Z}; null stays null. */
    public static String seconds(Instant t) {
        return t == null ? null : SECONDS.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * @param historyEvents the rendered history, or null to leave {@code historyEvents} out
     */
    public static ObjectNode render(InstanceStatus s, boolean showInput, ArrayNode historyEvents) {
        StatusBody body = new StatusBody(
                s.name(),
                s.instanceId(),
                s.runtimeStatus() == null ? null : s.runtimeStatus().name(),
                showInput ? orNull(s.input()) : NullNode.getInstance(),
                orNull(s.customStatus()),
                output(s),
                seconds(s.createdTime()),
                seconds(s.lastUpdatedTime()),
                s.runtimeStatus() == RuntimeStatus.Failed && s.failureDetails() != null
                        ? failureDetails(s.failureDetails()) : null,
                historyEvents);
        return Json.MAPPER.valueToTree(body);
    }

    /** A failed instance's output is the failure's message, as Azure shows it. */
    private static JsonNode output(InstanceStatus s) {
        if (s.runtimeStatus() == RuntimeStatus.Failed && s.failureDetails() != null) {
            return Json.MAPPER.getNodeFactory().textNode("Orchestrator function '" + s.name() + "' failed: "
                    + s.failureDetails().errorMessage());
        }
        return orNull(s.output());
    }

    static ObjectNode failureDetails(FailureDetails f) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("errorType", f.errorType());
        node.put("errorMessage", f.errorMessage());
        node.put("stackTrace", f.stackTrace());
        if (f.innerFailure() != null) {
            node.set("innerFailure", failureDetails(f.innerFailure()));
        }
        return node;
    }

    static JsonNode orNull(JsonNode node) {
        return node == null || node.isMissingNode() ? NullNode.getInstance() : node;
    }
}
