package io.durablekafka.gateway.webhooks;

import io.durablekafka.common.webhooks.WebhookOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Completion-callback attempts of this gateway's deliverers, by what came of them: {@code Delivered},
 * {@code Retrying} (failed, another attempt is due) or {@code Failed} (given up). One counter per state, made once.
 */
public final class WebhookMetrics {

    private final Map<WebhookOutcome.State, Counter> attempts = new EnumMap<>(WebhookOutcome.State.class);

    public WebhookMetrics(MeterRegistry meters) {
        for (WebhookOutcome.State state : WebhookOutcome.State.values()) {
            attempts.put(state, Counter.builder("dk.webhook.attempts").tag("outcome", state.name())
                    .description("Completion-callback POSTs made by this process, by outcome").register(meters));
        }
    }

    void attempted(WebhookOutcome.State outcome) {
        attempts.get(outcome).increment();
    }
}
