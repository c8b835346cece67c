package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.webhooks.WebhookOutcomeView;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET .../instances/{instanceId}/webhook} (a durable-kafka extension): where the instance's completion
 * callback stands, from the hub's {@link WebhookOutcomeView}.
 */
public final class WebhookApi {

    private final Map<String, WebhookOutcomeView> outcomes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    /** @param outcomes the outcome view of each served hub (hub name → view) */
    public WebhookApi(Map<String, WebhookOutcomeView> outcomes) {
        this.outcomes.putAll(outcomes);
    }

    void outcome(Call call) {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        WebhookOutcomeView view = outcomes.get(call.hub().name());
        var outcome = view == null ? java.util.Optional.<io.durablekafka.common.webhooks.WebhookOutcome>empty()
                : view.find(instanceId);
        if (outcome.isEmpty()) {
            throw new ApiException(404, "WebhookNotFound", "No completion callback attempt of instance '" + instanceId
                    + "' is recorded: it was started without callbackUrl, has not ended yet, or its first attempt is "
                    + "still to come.");
        }
        ObjectNode body = Json.MAPPER.valueToTree(outcome.get());
        body.remove("type");
        body.remove("v");
        JsonResponses.send(call.ctx(), 200, body);
    }
}
